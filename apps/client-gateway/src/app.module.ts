import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { createHttpValidationPipe } from './common/http-validation.pipe.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { validateClientGatewayEnv } from './config/client-gateway.env.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ReservationsModule } from './reservations/reservations.module.js';
import { StationsModule } from './stations/stations.module.js';
import { TransportModule } from './transport/transport.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, cache: true, validate: validateClientGatewayEnv }),
    TransportModule,
    StationsModule,
    ReservationsModule,
    HealthModule,
    MetricsModule,
  ],
  providers: [
    { provide: APP_PIPE, useFactory: createHttpValidationPipe },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
  ],
})
export class AppModule {}
