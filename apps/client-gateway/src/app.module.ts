import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { HttpValidationPipe } from './common/http-validation.pipe.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { validateClientGatewayEnv, type ClientGatewayEnvironment } from './config/client-gateway.env.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ReservationsModule } from './reservations/reservations.module.js';
import { StationEventsModule } from './station-events/station-events.module.js';
import { StationsModule } from './stations/stations.module.js';
import { TransportModule } from './transport/transport.module.js';
import { TripsModule } from './trips/trips.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, cache: true, validate: validateClientGatewayEnv }),
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<ClientGatewayEnvironment, true>) => {
        const limit = config.get('RATE_LIMIT_MAX', { infer: true });
        return { throttlers: [{ ttl: config.get('RATE_LIMIT_WINDOW_MS', { infer: true }), limit }], skipIf: () => limit === 0 };
      },
    }),
    TransportModule,
    StationsModule,
    StationEventsModule,
    ReservationsModule,
    TripsModule,
    HealthModule,
    MetricsModule,
  ],
  providers: [
    { provide: APP_PIPE, useClass: HttpValidationPipe },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_GUARD, useClass: ThrottlerGuard },
  ],
})
export class AppModule {}
