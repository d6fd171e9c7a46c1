import { Controller, Logger, UseGuards } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreateReservationCommandDto,
  ListReservationsDto,
  MqttRequestContext,
  ReservationAction,
  ReservationIdDto,
  Topics,
  type ReservationDto,
} from '@app/shared';
import { CurrentDriver } from '../auth/current-driver.decorator.js';
import { DriverTokenGuard } from '../auth/driver-token.guard.js';
import { ReservationsService } from './reservations.service.js';

/**
 * Commands travel at QoS 1: a lost command is redelivered, and recognized when it is. Each acts
 * for the driver of the access token it carries, on that driver's reservations only.
 */
@Controller()
@UseGuards(DriverTokenGuard)
export class ReservationsController {
  private readonly logger = new Logger(ReservationsController.name);

  constructor(private readonly reservations: ReservationsService) {}

  @MessagePattern(Topics.reservationCommandPattern(ReservationAction.Create), { qos: 1 })
  create(@CurrentDriver() driverId: string, @Payload() command: CreateReservationCommandDto, @Ctx() context: MqttRequestContext): Promise<ReservationDto> {
    this.logger.debug(`create reservation of ${command.evse_uid} for ${command.token}, request ${context.getRequestId() ?? '-'}`);
    return this.reservations.create(driverId, command);
  }

  @MessagePattern(Topics.reservationCommandPattern(ReservationAction.Get), { qos: 1 })
  get(@CurrentDriver() driverId: string, @Payload() { id }: ReservationIdDto): Promise<ReservationDto> {
    return this.reservations.get(driverId, id);
  }

  @MessagePattern(Topics.reservationCommandPattern(ReservationAction.Cancel), { qos: 1 })
  cancel(@CurrentDriver() driverId: string, @Payload() { id }: ReservationIdDto): Promise<ReservationDto> {
    return this.reservations.cancel(driverId, id);
  }

  /** Broadcast: each operator lists the reservations it holds for the driver (of one charging token, when given). */
  @MessagePattern(Topics.reservationsRequest, { qos: 1 })
  list(@CurrentDriver() driverId: string, @Payload() { token }: ListReservationsDto): Promise<ReservationDto[]> {
    return this.reservations.listByDriver(driverId, token);
  }
}
