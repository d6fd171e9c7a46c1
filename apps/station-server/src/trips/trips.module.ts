import { Module } from '@nestjs/common';
import { DriverAuthModule } from '@app/shared';
import { ReservationsModule } from '../reservations/reservations.module.js';
import { StationsModule } from '../stations/stations.module.js';
import { TripsController } from './trips.controller.js';
import { TripsRepository } from './trips.repository.js';
import { TripsService } from './trips.service.js';

@Module({
  imports: [StationsModule, ReservationsModule, DriverAuthModule],
  controllers: [TripsController],
  providers: [TripsService, TripsRepository],
})
export class TripsModule {}
