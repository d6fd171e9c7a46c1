import { Module } from '@nestjs/common';
import { StationEventsController } from './station-events.controller.js';
import { StationEventsService } from './station-events.service.js';

@Module({
  controllers: [StationEventsController],
  providers: [StationEventsService],
})
export class StationEventsModule {}
