import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  ErrorCode,
  OUT_OF_SERVICE,
  ReservationStatus,
  TripCancelReason,
  tripStopReservationId,
  type TripCancelCommandDto,
  type TripConfirmCommandDto,
  type TripHoldCommandDto,
  type TripPartDto,
} from '@app/shared';
import type { StationServerEnvironment } from '../config/station-server.env.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { fail, ReservationsService } from '../reservations/reservations.service.js';
import type { ReservationRow } from '../reservations/reservations.repository.js';
import { StationsService } from '../stations/stations.service.js';
import { TripsRepository, type StopHold } from './trips.repository.js';

/**
 * This operator's side of a trip's booking: hold its stops, confirm them, release them. Every
 * step may arrive twice and answers the same the second time.
 */
@Injectable()
export class TripsService {
  private readonly logger = new Logger(TripsService.name);
  private readonly operatorId: string;

  constructor(
    private readonly repository: TripsRepository,
    private readonly reservations: ReservationsService,
    private readonly stations: StationsService,
    private readonly metrics: MetricsService,
    config: ConfigService<StationServerEnvironment, true>,
  ) {
    this.operatorId = config.get('OPERATOR_ID', { infer: true });
  }

  /**
   * Holds the stops PENDING, all or none. A stop that cannot be held is a CONFLICT (overlap, out of
   * service) or NOT_FOUND (no such EVSE), naming the stop, and nothing is held.
   */
  async hold(driverId: string, command: TripHoldCommandDto): Promise<TripPartDto> {
    const numbers = new Set(command.stops.map((stop) => stop.stop));
    if (numbers.size !== command.stops.length) fail(ErrorCode.InvalidPayload, 'stops: each stop number may appear once');
    const stops: StopHold[] = command.stops.map((stop) => ({
      id: tripStopReservationId(this.operatorId, command.trip_id, stop.stop),
      stop: stop.stop,
      evseUid: stop.evse_uid,
      locationId: stop.station_id,
      connectorId: stop.connector_id ?? null,
      ...this.reservations.checkWindow(new Date(stop.starts_at), new Date(stop.ends_at), `stops[${stop.stop}].`),
    }));
    const outcome = await this.repository.hold(
      { id: command.trip_id, driverId, plan: command.plan, token: command.token },
      stops,
      command.hold_seconds,
      OUT_OF_SERVICE,
    );
    switch (outcome.kind) {
      case 'foreign-trip':
        return fail(ErrorCode.Conflict, `Trip ${command.trip_id} belongs to another driver`);
      case 'unknown-evse':
        return fail(ErrorCode.NotFound, `Stop ${outcome.stop.stop}: EVSE ${outcome.stop.evseUid} of station ${outcome.stop.locationId} not found`, {
          stop: outcome.stop.stop,
          evse_uid: outcome.stop.evseUid,
        });
      case 'out-of-service':
        return fail(ErrorCode.Conflict, `Stop ${outcome.stop.stop}: EVSE ${outcome.stop.evseUid} is out of service (${outcome.status})`, {
          stop: outcome.stop.stop,
          evse_uid: outcome.stop.evseUid,
        });
      case 'overlap': {
        const conflict = { stop: outcome.stop.stop, evse_uid: outcome.stop.evseUid, starts_at: outcome.startsAt.toISOString(), ends_at: outcome.endsAt.toISOString() };
        this.metrics.reservations.inc({ outcome: 'conflict' });
        return fail(ErrorCode.Conflict, `Stop ${conflict.stop}: EVSE ${conflict.evse_uid} is already reserved from ${conflict.starts_at} to ${conflict.ends_at}`, conflict);
      }
    }
    this.metrics.reservations.inc({ outcome: 'trip_held' }, outcome.rows.length);
    this.stations.invalidate();
    return this.part(command.trip_id, command.plan, outcome.rows);
  }

  /** Confirms the holds; a CONFLICT naming the stops' states when one was released or ran out (nothing changes then). */
  async confirm(driverId: string, { trip_id: tripId, stops }: TripConfirmCommandDto): Promise<TripPartDto> {
    const { confirmed, rows } = await this.repository.confirm(tripId, driverId, stops);
    if (rows.length === 0) fail(ErrorCode.NotFound, `Trip ${tripId} not found`);
    if (!confirmed) {
      const states = rows.map((row) => ({ stop: row.tripStop, status: row.status }));
      fail(ErrorCode.Conflict, `Trip ${tripId}: not every stop is still held (${states.map((s) => `${s.stop}: ${s.status}`).join(', ')})`, { stops: states });
    }
    this.metrics.reservations.inc({ outcome: 'trip_confirmed' }, rows.length);
    return this.part(tripId, null, rows);
  }

  /** Releases the trip's live stops; nothing to release (never held here, or released before) is not an error. */
  async release(driverId: string, { trip_id: tripId, reason }: TripCancelCommandDto): Promise<TripPartDto> {
    const status = reason === TripCancelReason.Abort ? ReservationStatus.Failed : ReservationStatus.Canceled;
    const { released, rows } = await this.repository.release(tripId, driverId, status);
    if (released > 0) {
      this.stations.invalidate();
      this.metrics.reservations.inc({ outcome: 'trip_released' }, released);
      this.logger.log(`Trip ${tripId}: ${released} stops released (${status})`);
    }
    return this.part(tripId, null, rows);
  }

  /** This operator's part of the trip: the kept plan and the stops, or an empty part when it holds none of the driver's. */
  async find(driverId: string, tripId: string): Promise<TripPartDto> {
    const [plan, rows] = await Promise.all([this.repository.plan(tripId, driverId), this.repository.stops(tripId, driverId)]);
    return this.part(tripId, plan ?? null, rows);
  }

  private part(tripId: string, plan: TripPartDto['plan'], rows: ReservationRow[]): TripPartDto {
    return { trip_id: tripId, plan, reservations: rows.map((row) => this.reservations.toDto(row)) };
  }
}
