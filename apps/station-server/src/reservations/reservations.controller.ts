import { Controller, Logger } from '@nestjs/common';
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
import { ReservationsService } from './reservations.service.js';

/** Commands travel at QoS 1: a lost command is redelivered, and recognized when it is. */
@Controller()
export class ReservationsController {
  private readonly logger = new Logger(ReservationsController.name);

  constructor(private readonly reservations: ReservationsService) {}

  @MessagePattern(Topics.reservationCommandPattern(ReservationAction.Create), { qos: 1 })
  create(@Payload() command: CreateReservationCommandDto, @Ctx() context: MqttRequestContext): Promise<ReservationDto> {
    this.logger.debug(`create reservation of ${command.evse_uid} for ${command.token}, request ${context.getRequestId() ?? '-'}`);
    return this.reservations.create(command);
  }

  @MessagePattern(Topics.reservationCommandPattern(ReservationAction.Get), { qos: 1 })
  get(@Payload() { id }: ReservationIdDto): Promise<ReservationDto> {
    return this.reservations.get(id);
  }

  @MessagePattern(Topics.reservationCommandPattern(ReservationAction.Cancel), { qos: 1 })
  cancel(@Payload() { id }: ReservationIdDto): Promise<ReservationDto> {
    return this.reservations.cancel(id);
  }

  /** Broadcast: each operator lists the token's reservations it holds. */
  @MessagePattern(Topics.reservationsRequest, { qos: 1 })
  list(@Payload() { token }: ListReservationsDto): Promise<ReservationDto[]> {
    return this.reservations.listByToken(token);
  }
}
