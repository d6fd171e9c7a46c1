import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  TripAction,
  TripCancelCommandDto,
  TripConfirmCommandDto,
  TripHoldCommandDto,
  TripIdDto,
  Topics,
  type TripPartDto,
} from '@app/shared';
import { CurrentDriver } from '../auth/current-driver.decorator.js';
import { DriverTokenGuard } from '../auth/driver-token.guard.js';
import { TripsService } from './trips.service.js';

/** A trip's steps at this operator, at QoS 1, each for the driver of the access token it carries. */
@Controller()
@UseGuards(DriverTokenGuard)
export class TripsController {
  constructor(private readonly trips: TripsService) {}

  @MessagePattern(Topics.tripCommandPattern(TripAction.Hold), { qos: 1 })
  hold(@CurrentDriver() driverId: string, @Payload() command: TripHoldCommandDto): Promise<TripPartDto> {
    return this.trips.hold(driverId, command);
  }

  @MessagePattern(Topics.tripCommandPattern(TripAction.Confirm), { qos: 1 })
  confirm(@CurrentDriver() driverId: string, @Payload() command: TripConfirmCommandDto): Promise<TripPartDto> {
    return this.trips.confirm(driverId, command);
  }

  @MessagePattern(Topics.tripCommandPattern(TripAction.Cancel), { qos: 1 })
  release(@CurrentDriver() driverId: string, @Payload() command: TripCancelCommandDto): Promise<TripPartDto> {
    return this.trips.release(driverId, command);
  }

  /** Broadcast: every operator answers with its part of the trip (empty when it holds none of it). */
  @MessagePattern(Topics.tripsRequest, { qos: 1 })
  find(@CurrentDriver() driverId: string, @Payload() { trip_id: tripId }: TripIdDto): Promise<TripPartDto> {
    return this.trips.find(driverId, tripId);
  }
}
