import { randomUUID } from 'node:crypto';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  MqttClientProxy,
  ReservationAction,
  Topics,
  type CreateReservationCommandDto,
  type ReservationDto,
  type VerifiedDriver,
} from '@app/shared';
import type { ClientGatewayEnvironment } from '../config/client-gateway.env.js';
import { STATIONS_CLIENT } from '../transport/transport.constants.js';
import { noAnswerException, operatorsReport } from '../transport/operators-report.js';
import { requestOperator } from '../transport/operator-request.js';
import { toHttpException } from '../transport/transport-errors.js';
import type { CreateReservationBodyDto } from './dto/create-reservation-body.dto.js';
import type { ReservationsResponseDto } from './dto/reservations-response.dto.js';

/** Reservation ids name their operator: `BR-FSA-<uuid>`. */
const RESERVATION_ID = /^([A-Z]{2}-[A-Z0-9]{3})-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

@Injectable()
export class ReservationsService {
  private readonly timeoutMs: number;

  constructor(
    @Inject(STATIONS_CLIENT) private readonly client: MqttClientProxy,
    config: ConfigService<ClientGatewayEnvironment, true>,
  ) {
    this.timeoutMs = config.get('REQUEST_TIMEOUT_MS', { infer: true });
  }

  /**
   * Sends the booking to the owning operator only. Without an Idempotency-Key the gateway makes
   * one, so a redelivered command is still recognized by the operator's server.
   */
  create(driver: VerifiedDriver, body: CreateReservationBodyDto, idempotencyKey: string | undefined, requestId: string): Promise<ReservationDto> {
    const { operator_id: operatorId, ...booking } = body;
    const command: CreateReservationCommandDto = { ...booking, idempotency_key: idempotencyKey ?? randomUUID() };
    return this.command(driver, operatorId, ReservationAction.Create, command, requestId);
  }

  get(driver: VerifiedDriver, id: string, requestId: string): Promise<ReservationDto> {
    return this.command(driver, this.operatorOf(id), ReservationAction.Get, { id }, requestId);
  }

  cancel(driver: VerifiedDriver, id: string, requestId: string): Promise<ReservationDto> {
    return this.command(driver, this.operatorOf(id), ReservationAction.Cancel, { id }, requestId);
  }

  /** Asks every live operator for the driver's reservations, those of one charging token when given. */
  async list(driver: VerifiedDriver, token: string | undefined, requestId: string): Promise<ReservationsResponseDto> {
    const result = await this.client
      .scatter<ReservationDto[]>(Topics.reservationsRequest, token === undefined ? {} : { token }, {
        timeoutMs: this.timeoutMs,
        requestId,
        qos: 1,
        accessToken: driver.token,
      })
      .catch((error: unknown) => {
        throw toHttpException(error);
      });
    const answered = result.replies.filter((reply) => !reply.error && Array.isArray(reply.data));
    const operators = operatorsReport(result, new Set(answered.map((reply) => reply.operatorId)));
    if (answered.length === 0) throw noAnswerException(operators, this.timeoutMs);
    return { data: answered.flatMap((reply) => reply.data!).sort((a, b) => a.starts_at.localeCompare(b.starts_at)), operators };
  }

  private operatorOf(id: string): string {
    const operatorId = RESERVATION_ID.exec(id)?.[1];
    if (!operatorId) throw new NotFoundException(`Reservation ${id} not found`);
    return operatorId;
  }

  /**
   * A command at QoS 1 to one operator, with the driver's access token for the station server to
   * verify itself; 503 at once when none of its servers is online.
   */
  private command<T>(driver: VerifiedDriver, operatorId: string, action: ReservationAction, data: unknown, requestId: string): Promise<T> {
    return requestOperator<T>(this.client, operatorId, Topics.reservationCommand(operatorId, action), data, {
      timeoutMs: this.timeoutMs,
      requestId,
      qos: 1,
      accessToken: driver.token,
    });
  }
}
