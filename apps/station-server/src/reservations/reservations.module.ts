import { Module } from '@nestjs/common';
import { StationsModule } from '../stations/stations.module.js';
import { ReservationsController } from './reservations.controller.js';
import { ReservationsRepository } from './reservations.repository.js';
import { ReservationsService } from './reservations.service.js';
import { ReservationsSweeper } from './reservations.sweeper.js';

@Module({
  imports: [StationsModule],
  controllers: [ReservationsController],
  providers: [ReservationsService, ReservationsRepository, ReservationsSweeper],
})
export class ReservationsModule {}
