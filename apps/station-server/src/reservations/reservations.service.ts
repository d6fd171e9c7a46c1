import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { RpcException } from '@nestjs/microservices';
import {
  ErrorCode,
  OUT_OF_SERVICE,
  ReservationStatus,
  WINDOW_PAST_TOLERANCE_MS,
  type CreateReservationCommandDto,
  type ReservationDto,
  type WireError,
} from '@app/shared';
import type { StationServerEnvironment } from '../config/station-server.env.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { StationsService } from '../stations/stations.service.js';
import { driverScopedKey, ReservationsRepository, type Outcome, type ReservationRow } from './reservations.repository.js';


export function fail(code: ErrorCode, message: string, details?: unknown): never {
  const error: WireError = { code, message, ...(details === undefined ? {} : { details }) };
  throw new RpcException(error);
}

@Injectable()
export class ReservationsService {
  private readonly logger = new Logger(ReservationsService.name);
  private readonly operatorId: string;

  constructor(
    private readonly repository: ReservationsRepository,
    private readonly stations: StationsService,
    private readonly metrics: MetricsService,
    private readonly config: ConfigService<StationServerEnvironment, true>,
  ) {
    this.operatorId = config.get('OPERATOR_ID', { infer: true });
  }

  /**
   * Books an EVSE for a window. A repeated idempotency key returns the first outcome (the same
   * reservation, or the same conflict); the same key with another request is refused.
   */
  async create(driverId: string, command: CreateReservationCommandDto): Promise<ReservationDto> {
    const { idempotency_key: givenKey, ...request } = command;
    const key = driverScopedKey(driverId, givenKey);
    const requestHash = createHash('sha256').update(JSON.stringify(request, Object.keys(request).sort())).digest('hex');
    let window: { startsAt: Date; endsAt: Date };
    try {
      window = this.window(command);
    } catch (err) {
      // A retry of a booking whose window has since started still gets its first outcome.
      const stored = await this.repository.findOutcome(command.token, key);
      if (!stored) throw err;
      return this.replay(stored, requestHash);
    }

    const booking = await this.repository.book(
      {
        id: `${this.operatorId}-${randomUUID()}`,
        evseUid: command.evse_uid,
        locationId: command.station_id,
        connectorId: command.connector_id ?? null,
        token: command.token,
        driverId,
        status: ReservationStatus.Reserved,
        ...window,
      },
      key,
      requestHash,
      OUT_OF_SERVICE,
    );
    switch (booking.kind) {
      case 'replayed':
        return this.replay(booking, requestHash);
      case 'unknown-evse':
        return fail(ErrorCode.NotFound, `EVSE ${command.evse_uid} of station ${command.station_id} not found`);
      case 'out-of-service':
        return fail(ErrorCode.Conflict, `EVSE ${command.evse_uid} is out of service (${booking.status})`);
    }
    if ('reservation' in booking.outcome) this.stations.invalidate();
    this.metrics.reservations.inc({ outcome: 'reservation' in booking.outcome ? 'created' : 'conflict' });
    return this.answer(booking.outcome);
  }

  /** Another driver's reservation is NOT_FOUND, exactly as one that does not exist. */
  async get(driverId: string, id: string): Promise<ReservationDto> {
    const row = await this.repository.findOwned(id, driverId);
    if (!row) fail(ErrorCode.NotFound, `Reservation ${id} not found`);
    return this.toDto(row);
  }

  async listByDriver(driverId: string, token: string | undefined): Promise<ReservationDto[]> {
    return (await this.repository.listByDriver(driverId, token)).map((row) => this.toDto(row));
  }

  /** Cancels a live reservation of the driver; canceling again is harmless; a finished one cannot be canceled. */
  async cancel(driverId: string, id: string): Promise<ReservationDto> {
    const row = await this.repository.cancel(id, driverId);
    if (!row) fail(ErrorCode.NotFound, `Reservation ${id} not found`);
    if (row.status !== ReservationStatus.Canceled) fail(ErrorCode.Conflict, `Reservation ${id} is ${row.status} and cannot be canceled`);
    this.stations.invalidate();
    return this.toDto(row);
  }

  /** Marks reservations whose window passed without a charge as NO_SHOW, and trip holds that ran out as FAILED. */
  async sweep(): Promise<number> {
    const freed = await this.repository.sweepExpired();
    const lapsed = await this.repository.lapseHolds();
    if (freed.length > 0) {
      this.metrics.reservations.inc({ outcome: 'expired' }, freed.length);
      this.logger.log(`${freed.length} reservations expired (NO_SHOW)`);
    }
    if (lapsed.length > 0) {
      this.metrics.reservations.inc({ outcome: 'hold_lapsed' }, lapsed.length);
      this.logger.log(`${lapsed.length} trip holds lapsed unconfirmed (FAILED)`);
    }
    if (freed.length + lapsed.length > 0) this.stations.invalidate();
    return freed.length + lapsed.length;
  }

  private window(command: CreateReservationCommandDto): { startsAt: Date; endsAt: Date } {
    const startsAt = command.starts_at ? new Date(command.starts_at) : new Date();
    const minutes = command.duration_minutes ?? this.config.get('RESERVATION_DEFAULT_MINUTES', { infer: true });
    const endsAt = command.ends_at ? new Date(command.ends_at) : new Date(startsAt.getTime() + minutes * 60_000);
    if (command.ends_at && command.duration_minutes !== undefined) {
      fail(ErrorCode.InvalidPayload, 'ends_at: give either ends_at or duration_minutes, not both');
    }
    return this.checkWindow(startsAt, endsAt);
  }

  /** A window this operator books: readable dates, in order, not in the past, not too long. */
  checkWindow(startsAt: Date, endsAt: Date, field = ''): { startsAt: Date; endsAt: Date } {
    const max = this.config.get('RESERVATION_MAX_MINUTES', { infer: true });
    if (Number.isNaN(startsAt.getTime())) fail(ErrorCode.InvalidPayload, `${field}starts_at: not a date-time this server can read`);
    if (Number.isNaN(endsAt.getTime())) fail(ErrorCode.InvalidPayload, `${field}ends_at: not a date-time this server can read`);
    if (endsAt <= startsAt) fail(ErrorCode.InvalidPayload, `${field}ends_at: the window must end after it starts`);
    if (startsAt.getTime() < Date.now() - WINDOW_PAST_TOLERANCE_MS) fail(ErrorCode.InvalidPayload, `${field}starts_at: the window must not start in the past`);
    if (endsAt.getTime() - startsAt.getTime() > max * 60_000) {
      fail(ErrorCode.InvalidPayload, `${field}ends_at: the window must not be longer than ${max} minutes`);
    }
    return { startsAt, endsAt };
  }

  /** The first outcome of a repeated key; the same key with another request is refused. */
  private replay(stored: { requestHash: string; outcome: Outcome }, requestHash: string): ReservationDto {
    if (stored.requestHash !== requestHash) fail(ErrorCode.IdempotencyMismatch, 'This Idempotency-Key was used with a different request');
    return this.answer(stored.outcome);
  }

  private answer(outcome: Outcome): ReservationDto {
    if ('conflict' in outcome) {
      const { starts_at, ends_at, evse_uid } = outcome.conflict;
      fail(ErrorCode.Conflict, `EVSE ${evse_uid} is already reserved from ${starts_at} to ${ends_at}`, outcome.conflict);
    }
    return this.toDto(outcome.reservation);
  }

  toDto(row: ReservationRow): ReservationDto {
    const dto: ReservationDto = {
      id: row.id,
      operator_id: this.operatorId,
      station_id: row.locationId,
      evse_uid: row.evseUid,
      token: row.token,
      status: row.status,
      starts_at: row.startsAt.toISOString(),
      ends_at: row.endsAt.toISOString(),
      created_at: row.createdAt.toISOString(),
      last_updated: row.lastUpdated.toISOString(),
    };
    if (row.connectorId) dto.connector_id = row.connectorId;
    if (row.tripId) dto.trip_id = row.tripId;
    if (row.tripStop !== null) dto.trip_stop = row.tripStop;
    if (row.holdExpiresAt && row.status === ReservationStatus.Pending) dto.hold_expires_at = row.holdExpiresAt.toISOString();
    return dto;
  }
}
