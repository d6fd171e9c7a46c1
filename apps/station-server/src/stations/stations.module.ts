import { Module } from '@nestjs/common';
import { StationEventsPublisher } from './station-events.publisher.js';
import { StationsController } from './stations.controller.js';
import { StationsRepository } from './stations.repository.js';
import { StationsService } from './stations.service.js';

@Module({
  controllers: [StationsController],
  providers: [StationsService, StationsRepository, StationEventsPublisher],
  exports: [StationsService, StationEventsPublisher],
})
export class StationsModule {}
