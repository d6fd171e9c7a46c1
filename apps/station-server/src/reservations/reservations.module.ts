import { Module } from '@nestjs/common';
import { DriverAuthModule } from '@app/shared';
import { StationsModule } from '../stations/stations.module.js';
import { ReservationsController } from './reservations.controller.js';
import { ReservationsRepository } from './reservations.repository.js';
import { ReservationsService } from './reservations.service.js';
import { ReservationsSweeper } from './reservations.sweeper.js';

@Module({
  imports: [StationsModule, DriverAuthModule],
  controllers: [ReservationsController],
  providers: [ReservationsService, ReservationsRepository, ReservationsSweeper],
  exports: [ReservationsService],
})
export class ReservationsModule {}
