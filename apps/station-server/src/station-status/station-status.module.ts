import { Module } from '@nestjs/common';
import { StationsModule } from '../stations/stations.module.js';
import { StationStatusController } from './station-status.controller.js';
import { StationStatusRepository } from './station-status.repository.js';
import { StationStatusService } from './station-status.service.js';

@Module({
  imports: [StationsModule],
  controllers: [StationStatusController],
  providers: [StationStatusService, StationStatusRepository],
})
export class StationStatusModule {}
