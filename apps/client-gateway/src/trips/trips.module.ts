import { Module } from '@nestjs/common';
import { DriverAuthModule } from '@app/shared';
import { TripsController } from './trips.controller.js';
import { TripsService } from './trips.service.js';

@Module({
  imports: [DriverAuthModule],
  controllers: [TripsController],
  providers: [TripsService],
})
export class TripsModule {}
