import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { RpcErrorFilter } from './common/rpc-error.filter.js';
import { RpcValidationPipe } from './common/rpc-validation.pipe.js';
import { validateStationServerEnv } from './config/station-server.env.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ReservationsModule } from './reservations/reservations.module.js';
import { StationStatusModule } from './station-status/station-status.module.js';
import { StationsModule } from './stations/stations.module.js';
import { TripsModule } from './trips/trips.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, cache: true, validate: validateStationServerEnv }),
    DatabaseModule,
    HealthModule,
    MetricsModule,
    StationsModule,
    ReservationsModule,
    StationStatusModule,
    TripsModule,
  ],
  providers: [
    { provide: APP_PIPE, useClass: RpcValidationPipe },
    { provide: APP_FILTER, useClass: RpcErrorFilter },
  ],
})
export class AppModule {}
