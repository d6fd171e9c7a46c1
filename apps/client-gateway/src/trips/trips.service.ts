import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  GatewayTimeoutException,
  HttpException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
  UnprocessableEntityException,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  decodeStationPage,
  MqttClientProxy,
  ReservationStatus,
  TripAction,
  TripCancelReason,
  tripStopReservationId,
  Topics,
  WINDOW_PAST_TOLERANCE_MS,
  type LocationDto,
  type ReservationDto,
  type TripCancelCommandDto,
  type TripConfirmCommandDto,
  type TripHoldCommandDto,
  type TripPartDto,
  type TripPlanDto,
  type TripStopPlanDto,
  type VerifiedDriver,
} from '@app/shared';
import type { ClientGatewayEnvironment } from '../config/client-gateway.env.js';
import type { OperatorsReportDto } from '../stations/dto/stations-response.dto.js';
import { STATIONS_CLIENT } from '../transport/transport.constants.js';
import { noAnswerException, operatorsReport } from '../transport/operators-report.js';
import { requestOperator } from '../transport/operator-request.js';
import { toHttpException } from '../transport/transport-errors.js';
import type { CreateTripBodyDto } from './dto/create-trip-body.dto.js';
import { TripStatus, type StopState, type TripDto, type TripStopDto } from './dto/trip-response.dto.js';
import { corridorCircles, planTrip, routeThrough, type CandidateStation, type PlannedStop } from './trip-planner.js';

const DEFAULTS = { corridorKm: 15, reservePercent: 10, chargeToPercent: 90, averageSpeedKmh: 80, consumptionKwhPer100Km: 18 };
const MAX_STOPS = 20;
/** Pauses before each further attempt to release a failed trip's stops at an operator that did not answer the abort. */
const RELEASE_RETRY_SECONDS = [1, 2, 5, 10, 30, 60, 120, 300];
/** Stations asked of each operator per search circle. */
const CANDIDATES_PER_CIRCLE = 100;
const TRIP_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** How one operator's step of a trip ended. */
type StepResult = { operatorId: string; part: TripPartDto } | { operatorId: string; error: HttpException };

/** Stop states that hold their window at the operator (held, or confirmed). */
const HOLDING = new Set<StopState>([ReservationStatus.Pending, ReservationStatus.Reserved]);

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Plans a trip's charging stops and books them across operators as a saga: every operator holds
 * its stops PENDING, then every hold is confirmed; when any operator refuses, fails or is silent,
 * every hold is released (and any it could not reach lapses by itself). The trip is kept by the
 * operators that hold its stops, so any gateway, before or after a restart, can show it.
 */
@Injectable()
export class TripsService implements OnModuleDestroy {
  private readonly logger = new Logger(TripsService.name);
  private readonly timeoutMs: number;
  private readonly holdSeconds: number;
  /** Pending background releases (see releaseLater). */
  private readonly retries = new Set<NodeJS.Timeout>();

  constructor(
    @Inject(STATIONS_CLIENT) private readonly client: MqttClientProxy,
    config: ConfigService<ClientGatewayEnvironment, true>,
  ) {
    this.timeoutMs = config.get('REQUEST_TIMEOUT_MS', { infer: true });
    this.holdSeconds = config.get('TRIP_HOLD_SECONDS', { infer: true });
  }

  async create(driver: VerifiedDriver, body: CreateTripBodyDto, requestId: string): Promise<TripDto> {
    const plan = await this.plan(body, requestId);
    const tripId = randomUUID();
    const byOperator = groupByOperator(plan.stops);

    const holds = await this.everyOperator([...byOperator.keys()], (operatorId) => {
      const command: TripHoldCommandDto = {
        trip_id: tripId,
        token: body.token,
        hold_seconds: this.holdSeconds,
        plan,
        stops: byOperator.get(operatorId)!.map((stop) => ({
          stop: stop.stop,
          station_id: stop.station_id,
          evse_uid: stop.evse_uid,
          connector_id: stop.connector_id,
          starts_at: stop.starts_at,
          ends_at: stop.ends_at,
        })),
      };
      return this.step(driver, operatorId, TripAction.Hold, command, requestId);
    });
    const heldAll = holds.every((result) => 'part' in result && result.part.reservations.every((r) => HOLDING.has(r.status)));
    if (!heldAll) return this.abort(driver, tripId, plan, holds, requestId);

    const confirms = await this.everyOperator([...byOperator.keys()], (operatorId) => {
      const command: TripConfirmCommandDto = { trip_id: tripId, stops: byOperator.get(operatorId)!.map((stop) => stop.stop) };
      return this.step(driver, operatorId, TripAction.Confirm, command, requestId);
    });
    if (confirms.some((result) => 'error' in result)) return this.abort(driver, tripId, plan, confirms, requestId);
    this.logger.log(`Trip ${tripId}: ${plan.stops.length} stops booked at ${[...byOperator.keys()].join(', ')}`);
    return this.view(tripId, plan, confirms);
  }

  /** The trip as its operators know it now. */
  async get(driver: VerifiedDriver, tripId: string, requestId: string): Promise<TripDto> {
    const { plan, parts, report } = await this.read(driver, tripId, requestId);
    return { ...this.view(tripId, plan, parts), operators: report };
  }

  /** Cancels every stop of the trip at its operator; canceling again is harmless. */
  async cancel(driver: VerifiedDriver, tripId: string, requestId: string): Promise<TripDto> {
    const { plan } = await this.read(driver, tripId, requestId);
    const operators = [...groupByOperator(plan.stops).keys()];
    const command: TripCancelCommandDto = { trip_id: tripId, reason: TripCancelReason.Cancel };
    const results = await this.everyOperator(operators, (operatorId) => this.step(driver, operatorId, TripAction.Cancel, command, requestId));
    const failed = results.filter((result) => 'error' in result);
    if (failed.length > 0) {
      throw new ServiceUnavailableException({
        message: `Trip ${tripId}: not canceled at ${failed.map((result) => result.operatorId).join(', ')}; the rest is canceled. Send DELETE again.`,
        trip_id: tripId,
      });
    }
    return this.view(tripId, plan, results);
  }

  /** Asks every live operator for its part of the trip: the plan any of them keeps, and their stops. */
  private async read(driver: VerifiedDriver, tripId: string, requestId: string): Promise<{ plan: TripPlanDto; parts: StepResult[]; report: OperatorsReportDto }> {
    if (!TRIP_ID.test(tripId)) throw new NotFoundException(`Trip ${tripId} not found`);
    const result = await this.client
      .scatter<TripPartDto>(Topics.tripsRequest, { trip_id: tripId }, { timeoutMs: this.timeoutMs, requestId, qos: 1, accessToken: driver.token })
      .catch((error: unknown) => {
        throw toHttpException(error);
      });
    const parts: Array<{ operatorId: string; part: TripPartDto }> = [];
    for (const reply of result.replies) {
      if (!reply.error && reply.data) parts.push({ operatorId: reply.operatorId, part: reply.data });
    }
    const report = operatorsReport(result, new Set(parts.map((part) => part.operatorId)));
    const plan = parts.find((found) => found.part.plan)?.part.plan;
    if (plan) return { plan, parts, report };
    if (report.timed_out.length > 0 || report.failed.length > 0) throw noAnswerException(report, this.timeoutMs);
    throw new NotFoundException(`Trip ${tripId} not found`);
  }

  /** Finds stations along the route and picks the stops. */
  private async plan(body: CreateTripBodyDto, requestId: string): Promise<TripPlanDto> {
    const departure = body.departure_at ? new Date(body.departure_at) : new Date();
    if (departure.getTime() < Date.now() - WINDOW_PAST_TOLERANCE_MS) throw new BadRequestException('departure_at must not be in the past');
    const options = {
      departure,
      corridorKm: body.corridor_km ?? DEFAULTS.corridorKm,
      reservePercent: body.reserve_percent ?? DEFAULTS.reservePercent,
      chargeToPercent: body.charge_to_percent ?? DEFAULTS.chargeToPercent,
      averageSpeedKmh: body.average_speed_kmh ?? DEFAULTS.averageSpeedKmh,
      maxStops: MAX_STOPS,
    };
    const vehicle = {
      rangeKm: body.vehicle.range_km,
      connectors: body.vehicle.connectors,
      maxPowerKw: body.vehicle.max_power_kw,
      socPercent: body.vehicle.soc_percent,
      consumptionKwhPer100Km: body.vehicle.consumption_kwh_per_100km ?? DEFAULTS.consumptionKwhPer100Km,
    };
    if (options.chargeToPercent <= options.reservePercent) {
      throw new BadRequestException(`charge_to_percent (${options.chargeToPercent}) must be above reserve_percent (${options.reservePercent})`);
    }
    const waypoints = body.waypoints ?? [];
    const route = planning(() => routeThrough([body.origin, ...waypoints, body.destination]));
    const candidates = await this.candidates(corridorCircles(route, options.corridorKm), body.vehicle.connectors, requestId);
    const result = planning(() => planTrip(route, vehicle, options, candidates));
    if ('unreachable' in result) {
      throw new UnprocessableEntityException({ message: `No plan: ${result.unreachable.reason}`, at_km: round(result.unreachable.atKm) });
    }
    if (result.plan.stops.length === 0) {
      throw new UnprocessableEntityException('No charging stop is needed: the destination is within range, so there is nothing to book');
    }
    return {
      origin: body.origin,
      destination: body.destination,
      waypoints,
      departure_at: departure.toISOString(),
      vehicle: { ...body.vehicle, consumption_kwh_per_100km: vehicle.consumptionKwhPer100Km },
      token: body.token,
      corridor_km: options.corridorKm,
      reserve_percent: options.reservePercent,
      charge_to_percent: options.chargeToPercent,
      average_speed_kmh: options.averageSpeedKmh,
      distance_km: round(result.plan.distanceKm),
      arrival_at: result.plan.arrivalAt.toISOString(),
      arrival_soc_percent: result.plan.arrivalSocPercent,
      stops: result.plan.stops.map((stop, index) => planStop(stop, index)),
      created_at: new Date().toISOString(),
    };
  }

  /** Stations of every live operator within the circles that cover the route's corridor, with a connector the vehicle takes. */
  private async candidates(circles: ReturnType<typeof corridorCircles>, connectors: string[], requestId: string): Promise<CandidateStation[]> {
    const results = await Promise.all(
      circles.map((circle) =>
        this.client
          .scatter(
            Topics.stationsRequest,
            { latitude: circle.center.latitude, longitude: circle.center.longitude, distance: circle.radiusKm, connector: connectors, limit: CANDIDATES_PER_CIRCLE },
            { timeoutMs: this.timeoutMs, requestId },
          )
          .catch((error: unknown) => {
            throw toHttpException(error);
          }),
      ),
    );
    // Neighbouring circles overlap: a station found twice is read once.
    const candidates = new Map<string, CandidateStation>();
    let answered = 0;
    for (const result of results) {
      for (const reply of result.replies) {
        const page = reply.error ? undefined : decodeStationPage(reply.raw);
        if (!page) continue;
        answered++;
        for (const entry of page.entries) {
          const key = `${reply.operatorId}/${entry.id}`;
          if (!candidates.has(key)) candidates.set(key, { operatorId: reply.operatorId, location: JSON.parse(entry.json.toString()) as LocationDto });
        }
      }
    }
    if (answered === 0 && results.length > 0) throw noAnswerException(operatorsReport(results[0], new Set()), this.timeoutMs);
    return [...candidates.values()];
  }

  /** Runs one step at each operator at once; each ends with its part or its error, never throws. */
  private everyOperator(operators: string[], step: (operatorId: string) => Promise<TripPartDto>): Promise<StepResult[]> {
    return Promise.all(
      operators.map((operatorId) =>
        step(operatorId).then(
          (part): StepResult => ({ operatorId, part }),
          (error: unknown): StepResult => ({ operatorId, error: asHttpException(error) }),
        ),
      ),
    );
  }

  private step(driver: VerifiedDriver, operatorId: string, action: TripAction, data: unknown, requestId: string): Promise<TripPartDto> {
    return requestOperator<TripPartDto>(this.client, operatorId, Topics.tripCommand(operatorId, action), data, {
      timeoutMs: this.timeoutMs,
      requestId,
      qos: 1,
      accessToken: driver.token,
    });
  }

  /**
   * The compensation: releases the trip's stops at every operator it went to, including those
   * that did not answer (a hold may have arrived late), then says why the trip failed. An operator
   * that cannot be reached is sent the release again in the background (releaseLater); its holds
   * lapse by themselves meanwhile.
   */
  private async abort(driver: VerifiedDriver, tripId: string, plan: TripPlanDto, results: StepResult[], requestId: string): Promise<never> {
    const command: TripCancelCommandDto = { trip_id: tripId, reason: TripCancelReason.Abort };
    const released = await this.everyOperator(
      results.map((result) => result.operatorId),
      (operatorId) => this.step(driver, operatorId, TripAction.Cancel, command, requestId),
    );
    for (const result of released) {
      if (!('error' in result)) continue;
      this.logger.warn(`Trip ${tripId}: stops at ${result.operatorId} not released (${result.error.message}); trying again in the background`);
      this.releaseLater(driver, tripId, result.operatorId);
    }
    const reasons = results.flatMap((result): Array<{ operator_id: string; status: number; detail: string; conflict?: unknown }> => {
      if ('error' in result) return [{ operator_id: result.operatorId, status: result.error.getStatus(), detail: result.error.message, conflict: conflictOf(result.error) }];
      const lost = result.part.reservations.filter((r) => !HOLDING.has(r.status));
      return lost.length > 0 ? [{ operator_id: result.operatorId, status: 409, detail: `Stops ${lost.map((r) => r.trip_stop).join(', ')} are ${lost.map((r) => r.status).join(', ')}` }] : [];
    });
    const releasedBy = new Map(released.map((result) => [result.operatorId, result]));
    const known = results.map((result): StepResult => {
      const after = releasedBy.get(result.operatorId);
      if (after && 'part' in after) return after;
      // A refusal is an answer: that operator holds nothing of the trip.
      if ('error' in result && [404, 409].includes(result.error.getStatus())) return { operatorId: result.operatorId, part: { trip_id: tripId, plan: null, reservations: [] } };
      return result;
    });
    const trip = this.view(tripId, plan, known);
    this.logger.log(`Trip ${tripId} not booked: ${reasons.map((reason) => `${reason.operator_id} ${reason.status}`).join(', ')}`);
    const unreleased = trip.stops.filter((stop) => HOLDING.has(stop.status) || stop.status === 'UNKNOWN');
    const outcome =
      unreleased.length === 0
        ? 'nothing is reserved'
        : `stops ${unreleased.map((stop) => stop.stop).join(', ')} are not released yet (held ones lapse within ${this.holdSeconds} s; the release is sent again)`;
    const body = {
      message: `Trip not booked, ${outcome}: ${reasons.map((reason) => `${reason.operator_id}: ${reason.detail}`).join('; ')}`,
      trip_id: tripId,
      failures: reasons.map(({ conflict, ...reason }) => (conflict === undefined ? reason : { ...reason, conflict })),
      stops: trip.stops.map(({ stop, operator_id, station_id, evse_uid, starts_at, ends_at, status }) => ({ stop, operator_id, station_id, evse_uid, starts_at, ends_at, status })),
    };
    const statuses = reasons.map((reason) => reason.status);
    if (statuses.includes(409) || statuses.includes(404)) throw new ConflictException(body);
    // An operator's booking rules refused a window (e.g. longer than it books): the plan cannot be booked as it is.
    if (statuses.includes(400)) throw new UnprocessableEntityException(body);
    if (statuses.every((status) => status === 504)) throw new GatewayTimeoutException(body);
    throw new ServiceUnavailableException(body);
  }

  /**
   * Keeps sending the abort to an operator that could not be reached, with growing pauses: its
   * holds lapse by themselves, but stops it already confirmed would stay reserved. Gives up after
   * the last pause (about 9 minutes), on a refused access token, or when the gateway stops.
   */
  private releaseLater(driver: VerifiedDriver, tripId: string, operatorId: string, attempt = 0): void {
    const pause = RELEASE_RETRY_SECONDS[attempt];
    if (pause === undefined) {
      this.logger.error(`Trip ${tripId}: stops at ${operatorId} could not be released; DELETE /viagens/${tripId} releases them once it is reachable`);
      return;
    }
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      const command: TripCancelCommandDto = { trip_id: tripId, reason: TripCancelReason.Abort };
      this.step(driver, operatorId, TripAction.Cancel, command, `release-${tripId}`).then(
        () => this.logger.log(`Trip ${tripId}: stops at ${operatorId} released on attempt ${attempt + 2}`),
        (error: unknown) => {
          if (asHttpException(error).getStatus() === 401) return this.logger.error(`Trip ${tripId}: stops at ${operatorId} not released: the access token is no longer accepted`);
          this.releaseLater(driver, tripId, operatorId, attempt + 1);
        },
      );
    }, pause * 1000);
    timer.unref();
    this.retries.add(timer);
  }

  onModuleDestroy(): void {
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
  }

  /** The trip from its plan and the parts its operators gave; a stop whose operator did not answer is UNKNOWN. */
  private view(tripId: string, plan: TripPlanDto, results: StepResult[]): TripDto {
    const answered = new Map<string, ReservationDto[]>();
    for (const result of results) if ('part' in result) answered.set(result.operatorId, result.part.reservations);
    const stops: TripStopDto[] = plan.stops.map((stop) => {
      const reservationId = tripStopReservationId(stop.operator_id, tripId, stop.stop);
      const reservations = answered.get(stop.operator_id);
      const reservation = reservations?.find((r) => r.id === reservationId);
      const status: StopState = reservation?.status ?? (reservations ? 'NOT_HELD' : 'UNKNOWN');
      return { ...stop, reservation_id: reservationId, status, ...(reservation?.hold_expires_at ? { hold_expires_at: reservation.hold_expires_at } : {}) };
    });
    return { id: tripId, status: tripStatus(stops), ...plan, stops };
  }
}

/** The planner refuses input it cannot plan with (e.g. a leg between antipodes) with a RangeError: the request's fault. */
function planning<T>(plan: () => T): T {
  try {
    return plan();
  } catch (err) {
    if (err instanceof RangeError) throw new BadRequestException(`No plan: ${err.message}`);
    throw err;
  }
}

function groupByOperator(stops: TripStopPlanDto[]): Map<string, TripStopPlanDto[]> {
  const groups = new Map<string, TripStopPlanDto[]>();
  for (const stop of stops) groups.set(stop.operator_id, [...(groups.get(stop.operator_id) ?? []), stop]);
  return groups;
}

function planStop(stop: PlannedStop, index: number): TripStopPlanDto {
  return {
    stop: index,
    operator_id: stop.operatorId,
    station_id: stop.stationId,
    ...(stop.stationName ? { station_name: stop.stationName } : {}),
    evse_uid: stop.evseUid,
    connector_id: stop.connectorId,
    latitude: stop.latitude,
    longitude: stop.longitude,
    along_km: round(stop.alongKm),
    detour_km: round(stop.detourKm),
    leg_km: round(stop.legKm),
    arrival_at: stop.arrivalAt.toISOString(),
    arrival_soc_percent: stop.arrivalSocPercent,
    departure_soc_percent: stop.departureSocPercent,
    charge_kwh: round(stop.chargeKwh),
    power_kw: round(stop.powerKw),
    charge_minutes: stop.chargeMinutes,
    departure_at: stop.departureAt.toISOString(),
    starts_at: stop.startsAt.toISOString(),
    ends_at: stop.endsAt.toISOString(),
  };
}

/** The trip's state from its stops' states (those of operators that did not answer are left out). */
function tripStatus(stops: TripStopDto[]): TripStatus {
  const known = stops.map((stop) => stop.status).filter((status) => status !== 'UNKNOWN');
  if (known.includes(ReservationStatus.Pending)) return TripStatus.Pending;
  const booked = new Set<StopState>([ReservationStatus.Reserved, ReservationStatus.Fulfilled, ReservationStatus.NoShow]);
  if (known.length > 0 && known.every((status) => booked.has(status))) return TripStatus.Confirmed;
  if (known.includes(ReservationStatus.Canceled)) return TripStatus.Canceled;
  return TripStatus.Failed;
}

/** A step's failure as an HTTP error (requestOperator already maps transport and wire errors). */
function asHttpException(error: unknown): HttpException {
  return error instanceof HttpException ? error : new ServiceUnavailableException((error as Error)?.message ?? 'The operator failed');
}

function conflictOf(error: HttpException): unknown {
  const body = error.getResponse();
  return typeof body === 'object' ? (body as { conflict?: unknown }).conflict : undefined;
}
