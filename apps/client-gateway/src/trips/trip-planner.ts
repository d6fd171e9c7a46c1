import { EARTH_RADIUS_KM, EvseStatus, OUT_OF_SERVICE, PowerType, type ConnectorDto, type ConnectorType, type EvseDto, type LocationDto } from '@app/shared';

/**
 * Charging stops of an EV road trip along a great-circle route. Pure functions, no framework: the
 * caller finds the candidate stations (a search around each of `corridorCircles`) and books the
 * windows.
 *
 * Geometry. The Earth is a sphere of EARTH_RADIUS_KM (the IUGG mean radius, as station search uses). A route goes through
 * its points by great-circle legs, densified into equal pieces of at most 10 km so each piece may be
 * treated as flat: a point is projected on the chord of each piece (in 3-D, which needs no care for
 * the antimeridian or the poles) and lies at its nearest projection (the first one on a tie). Its
 * `offKm` is the great-circle distance to that projection.
 *
 * Planning rules:
 * - A candidate is usable when it lies within `corridorKm` of the route and has an EVSE whose status
 *   is not OUTOFORDER, INOPERATIVE, REMOVED, BLOCKED or PLANNED (an EVSE CHARGING or RESERVED now
 *   may be free on arrival) with a connector of one of the vehicle's standards and positive power.
 *   Duplicates (same operator and location id, from overlapping search circles) count once, as
 *   first given; a location whose coordinates do not read as numbers is skipped.
 * - Power of a connector: min(vehicle max, connector kW), connector kW being max_electric_power / 1000
 *   when given, else max_voltage x max_amperage / 1000, x 3 for AC_3_PHASE. An EVSE charges at its
 *   best connector (ties: lower connector id); a station at its best EVSE (ties: AVAILABLE first,
 *   then lower uid).
 * - A leg from P to a station S further along: (S.along - P.along) + P.off + S.off, that is, back to
 *   the route from P and out to S. The final leg: (length - P.along) + P.off.
 * - Battery kWh = rangeKm x consumption / 100; s % of charge is s / 100 x rangeKm of range.
 * - Greedy: when the destination is reachable keeping `reservePercent`, drive there. Otherwise stop
 *   at the reachable station (reserve kept, at least 1 km further along) furthest along; ties: higher
 *   power, then operator id, then station id. No such station, or more than `maxStops` stops needed,
 *   makes the trip unreachable at the km along where the car stands.
 * - At a stop the car charges to `chargeToPercent`; to less when the destination needs less (the
 *   final leg plus the reserve, rounded up to a whole percent); to 100 % (or what the destination
 *   needs, when less) when with `chargeToPercent` neither a further station nor the destination
 *   would be reachable. Never below the arrival charge.
 * - Driving takes leg km / averageSpeedKmh. A stop charges for ceil(kWh / kW x 60) minutes, at least
 *   5; its reservation window runs from 10 minutes before arrival (floored to the minute) to 10
 *   minutes after the charge should end (ceiled to the minute).
 * - Output: charge in percent and km to one decimal, kWh to two, kW as the data gives it; times to
 *   the millisecond. Everything is computed unrounded. `TripPlan.distanceKm` is the distance
 *   driven, detours included.
 *
 * Invalid input (a vehicle without range, a reserve not below the charge target, a leg between
 * antipodes, ...) is a programming error and throws a RangeError; an unreachable destination is a
 * result.
 */

/** Longest densified piece: short enough for projecting on its chord instead of its arc. */
const MAX_PIECE_KM = 10;
/** Spare radius of the corridor circles, so rounding never leaves a point on an edge outside. */
const COVER_MARGIN_KM = 0.001;
/** Slack of range comparisons, so an exactly sufficient charge counts as sufficient. */
const RANGE_SLACK_KM = 1e-6;
/** A stop must move the car on by at least this much, so the greedy never stalls in place. */
const MIN_PROGRESS_KM = 1;
const MIN_CHARGE_MINUTES = 5;
const WINDOW_MARGIN_MINUTES = 10;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export interface GeoPoint {
  latitude: number;
  longitude: number;
}

/** A route through the given points (origin, waypoints..., destination), great-circle legs, densified into pieces of at most 10 km for projection. */
export interface Route {
  points: GeoPoint[];
  /** cumulative km at each densified point */
  cumulativeKm: number[];
  lengthKm: number;
}

type Vector = readonly [number, number, number];

/** Great-circle distance (haversine). */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const dLat = radians(b.latitude - a.latitude);
  const dLon = radians(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.latitude)) * Math.cos(radians(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The route through `points` by great-circle legs. A point repeated in a row adds nothing; the given
 * points are kept as given, the ones in between are spherical interpolations.
 */
export function routeThrough(points: GeoPoint[]): Route {
  if (points.length < 2) throw new RangeError('a route needs an origin and a destination');
  for (const point of points) assertGeoPoint(point);
  const dense: GeoPoint[] = [{ latitude: points[0].latitude, longitude: points[0].longitude }];
  const cumulativeKm = [0];
  for (let i = 1; i < points.length; i++) {
    const from = points[i - 1];
    const to = points[i];
    const legKm = distanceKm(from, to);
    if (legKm === 0) continue;
    const pieces = Math.ceil(legKm / MAX_PIECE_KM);
    const a = vectorOf(from);
    const b = vectorOf(to);
    for (let k = 1; k <= pieces; k++) {
      const point = k === pieces ? { latitude: to.latitude, longitude: to.longitude } : pointOf(slerp(a, b, k / pieces));
      cumulativeKm.push(cumulativeKm[cumulativeKm.length - 1] + distanceKm(dense[dense.length - 1], point));
      dense.push(point);
    }
  }
  return { points: dense, cumulativeKm, lengthKm: cumulativeKm[cumulativeKm.length - 1] };
}

/** Where a point lies relative to the route: km along the route of its nearest route position, and its distance off the route (km). */
export function projectOnRoute(route: Route, point: GeoPoint): { alongKm: number; offKm: number } {
  const p = vectorOf(point);
  let best = { alongKm: 0, offKm: angle(p, vectorOf(route.points[0])) * EARTH_RADIUS_KM };
  let a = vectorOf(route.points[0]);
  for (let i = 1; i < route.points.length; i++) {
    const b = vectorOf(route.points[i]);
    const chord = minus(b, a);
    const t = clamp(dot(minus(p, a), chord) / dot(chord, chord), 0, 1);
    const offKm = angle(p, plus(a, times(chord, t))) * EARTH_RADIUS_KM;
    if (offKm < best.offKm) {
      best = { alongKm: route.cumulativeKm[i - 1] + t * (route.cumulativeKm[i] - route.cumulativeKm[i - 1]), offKm };
    }
    a = b;
  }
  return best;
}

/** The route's position `km` along it (clamped to the route). */
export function pointAlong(route: Route, km: number): GeoPoint {
  const { points, cumulativeKm } = route;
  if (points.length === 1 || km <= 0) return { ...points[0] };
  if (km >= route.lengthKm) return { ...points[points.length - 1] };
  let low = 0;
  let high = cumulativeKm.length - 1;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (cumulativeKm[middle] <= km) low = middle;
    else high = middle;
  }
  const t = (km - cumulativeKm[low]) / (cumulativeKm[high] - cumulativeKm[low]);
  return pointOf(slerp(vectorOf(points[low]), vectorOf(points[high]), t));
}

/**
 * Circles whose union covers the band of `corridorKm` either side of the route; at most `maxCircles`
 * (default 24): when more would be needed, the circles grow. Each: center + radiusKm.
 *
 * Centers sit on the route `spacing` apart, half a spacing from either end, with radius corridor +
 * spacing / 2: a point within the corridor is that close to some route position, which is at most
 * half a spacing along the route (so at most that far) from a center. Spacing 2 x corridor is the
 * one that covers the band with the least area searched.
 */
export function corridorCircles(route: Route, corridorKm: number, maxCircles = 24): Array<{ center: GeoPoint; radiusKm: number }> {
  if (!Number.isFinite(corridorKm) || corridorKm < 0) throw new RangeError('corridorKm must be a finite number >= 0');
  if (!Number.isInteger(maxCircles) || maxCircles < 1) throw new RangeError('maxCircles must be a whole number >= 1');
  const count = route.lengthKm === 0 ? 1 : Math.min(maxCircles, Math.max(1, Math.ceil(route.lengthKm / (2 * corridorKm))));
  const spacingKm = route.lengthKm / count;
  const radiusKm = corridorKm + spacingKm / 2 + COVER_MARGIN_KM;
  return Array.from({ length: count }, (_, i) => ({ center: pointAlong(route, (i + 0.5) * spacingKm), radiusKm }));
}

export interface VehicleSpec {
  /** usable range at 100 % charge */
  rangeKm: number;
  connectors: ConnectorType[];
  maxPowerKw: number;
  /** at departure */
  socPercent: number;
  consumptionKwhPer100Km: number;
}

export interface PlanOptions {
  departure: Date;
  corridorKm: number;
  /** never arrive anywhere below this state of charge */
  reservePercent: number;
  /** usual charge target at a stop */
  chargeToPercent: number;
  averageSpeedKmh: number;
  /** e.g. 20 */
  maxStops: number;
}

export interface CandidateStation {
  operatorId: string;
  location: LocationDto;
}

export interface PlannedStop {
  operatorId: string;
  stationId: string;
  stationName?: string;
  evseUid: string;
  connectorId: string;
  latitude: number;
  longitude: number;
  /** position along the route */
  alongKm: number;
  /** off-route distance (one way) */
  detourKm: number;
  /** distance driven from the previous point (origin or stop) to here */
  legKm: number;
  arrivalAt: Date;
  arrivalSocPercent: number;
  departureSocPercent: number;
  chargeKwh: number;
  powerKw: number;
  chargeMinutes: number;
  departureAt: Date;
  /** The reservation window: from 10 minutes before the arrival to 10 minutes after charging should end, whole minutes (floor start, ceil end). */
  startsAt: Date;
  endsAt: Date;
}

export interface TripPlan {
  distanceKm: number;
  stops: PlannedStop[];
  arrivalAt: Date;
  arrivalSocPercent: number;
}

export type PlanResult = { plan: TripPlan } | { unreachable: { atKm: number; reason: string } };

/** Where the car stands relative to the route: the origin, or a station. */
interface Position {
  alongKm: number;
  offKm: number;
}

/** A usable candidate, reduced to what planning needs. */
interface Station extends Position {
  operatorId: string;
  id: string;
  name?: string;
  latitude: number;
  longitude: number;
  evseUid: string;
  connectorId: string;
  powerKw: number;
}

/** The charging stops of the trip along `route`, by the rules in this module's comment. */
export function planTrip(route: Route, vehicle: VehicleSpec, options: PlanOptions, candidates: CandidateStation[]): PlanResult {
  assertPlanInput(vehicle, options);
  const { rangeKm } = vehicle;
  const reserveKm = (options.reservePercent / 100) * rangeKm;
  const batteryKwh = (rangeKm * vehicle.consumptionKwhPer100Km) / 100;
  const stations = usableStations(route, vehicle, options.corridorKm, candidates);
  const drivingMs = (km: number) => (km / options.averageSpeedKmh) * HOUR_MS;
  const percentOf = (km: number) => (km / rangeKm) * 100;
  const kmOf = (percent: number) => (percent / 100) * rangeKm;
  const finalLegKm = (from: Position) => route.lengthKm - from.alongKm + from.offKm;

  /** The charge at `station` that completes the trip or reaches a further station. */
  const chargeTargetPercent = (station: Station, arrivalPercent: number): number => {
    const destinationPercent = ceilTolerant(percentOf(finalLegKm(station) + reserveKm));
    if (destinationPercent <= options.chargeToPercent) return Math.max(destinationPercent, arrivalPercent);
    const usual = Math.max(options.chargeToPercent, arrivalPercent);
    if (furthestReachable(stations, station, kmOf(usual) - reserveKm)) return usual;
    return Math.max(Math.min(100, destinationPercent), arrivalPercent);
  };

  if (vehicle.socPercent < options.reservePercent) {
    return unreachable(0, `the charge at departure (${vehicle.socPercent} %) is below the reserve of ${options.reservePercent} %`);
  }
  const stops: PlannedStop[] = [];
  let at: Position = { alongKm: 0, offKm: 0 };
  let rangeLeftKm = kmOf(vehicle.socPercent);
  let clockMs = options.departure.getTime();
  let drivenKm = 0;
  for (;;) {
    const lastLegKm = finalLegKm(at);
    if (rangeLeftKm - lastLegKm >= reserveKm - RANGE_SLACK_KM) {
      return {
        plan: {
          distanceKm: round(drivenKm + lastLegKm, 1),
          stops,
          arrivalAt: new Date(Math.round(clockMs + drivingMs(lastLegKm))),
          arrivalSocPercent: round(percentOf(rangeLeftKm - lastLegKm), 1),
        },
      };
    }
    const station = furthestReachable(stations, at, rangeLeftKm - reserveKm);
    if (!station) {
      return unreachable(at.alongKm, `no charging station with a usable connector within reach after km ${Math.round(at.alongKm)}`);
    }
    if (stops.length >= options.maxStops) {
      return unreachable(at.alongKm, `more than ${options.maxStops} charging stops would be needed (after km ${Math.round(at.alongKm)})`);
    }
    const legKm = legKmBetween(at, station);
    const arrivalPercent = percentOf(rangeLeftKm - legKm);
    const targetPercent = chargeTargetPercent(station, arrivalPercent);
    const chargeKwh = ((targetPercent - arrivalPercent) / 100) * batteryKwh;
    const chargeMinutes = Math.max(MIN_CHARGE_MINUTES, ceilTolerant((chargeKwh / station.powerKw) * 60));
    const arrivalMs = Math.round(clockMs + drivingMs(legKm));
    const departureMs = arrivalMs + chargeMinutes * MINUTE_MS;
    stops.push({
      operatorId: station.operatorId,
      stationId: station.id,
      ...(station.name === undefined ? {} : { stationName: station.name }),
      evseUid: station.evseUid,
      connectorId: station.connectorId,
      latitude: station.latitude,
      longitude: station.longitude,
      alongKm: round(station.alongKm, 1),
      detourKm: round(station.offKm, 1),
      legKm: round(legKm, 1),
      arrivalAt: new Date(arrivalMs),
      arrivalSocPercent: round(arrivalPercent, 1),
      departureSocPercent: round(targetPercent, 1),
      chargeKwh: round(chargeKwh, 2),
      powerKw: station.powerKw,
      chargeMinutes,
      departureAt: new Date(departureMs),
      startsAt: new Date(Math.floor((arrivalMs - WINDOW_MARGIN_MINUTES * MINUTE_MS) / MINUTE_MS) * MINUTE_MS),
      endsAt: new Date(Math.ceil((departureMs + WINDOW_MARGIN_MINUTES * MINUTE_MS) / MINUTE_MS) * MINUTE_MS),
    });
    drivenKm += legKm;
    rangeLeftKm = kmOf(targetPercent);
    clockMs = departureMs;
    at = station;
  }
}

/** The usable candidates, once each, with where they lie and the EVSE and connector to book. */
function usableStations(route: Route, vehicle: VehicleSpec, corridorKm: number, candidates: CandidateStation[]): Station[] {
  const seen = new Set<string>();
  const stations: Station[] = [];
  for (const { operatorId, location } of candidates) {
    const key = JSON.stringify([operatorId, location.id]);
    if (seen.has(key)) continue;
    seen.add(key);
    const latitude = Number(location.coordinates.latitude);
    const longitude = Number(location.coordinates.longitude);
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) continue;
    const { alongKm, offKm } = projectOnRoute(route, { latitude, longitude });
    if (offKm > corridorKm) continue;
    const choice = bestEvse(location.evses, vehicle);
    if (!choice) continue;
    stations.push({ operatorId, id: location.id, name: location.name, latitude, longitude, alongKm, offKm, ...choice });
  }
  return stations;
}

/** The EVSE the car would charge at fastest, with its connector; undefined when none fits. */
function bestEvse(evses: EvseDto[], vehicle: VehicleSpec): { evseUid: string; connectorId: string; powerKw: number } | undefined {
  let best: { evseUid: string; connectorId: string; powerKw: number; available: boolean } | undefined;
  for (const evse of evses) {
    if (OUT_OF_SERVICE.has(evse.status)) continue;
    const connector = bestConnector(evse.connectors, vehicle);
    if (!connector) continue;
    const candidate = { evseUid: evse.uid, connectorId: connector.id, powerKw: connector.powerKw, available: evse.status === EvseStatus.Available };
    if (!best || compareEvses(candidate, best) < 0) best = candidate;
  }
  return best && { evseUid: best.evseUid, connectorId: best.connectorId, powerKw: best.powerKw };
}

/** Fastest first, then one AVAILABLE now, then by uid. */
function compareEvses(a: { evseUid: string; powerKw: number; available: boolean }, b: { evseUid: string; powerKw: number; available: boolean }): number {
  if (a.powerKw !== b.powerKw) return b.powerKw - a.powerKw;
  if (a.available !== b.available) return a.available ? -1 : 1;
  return compareStrings(a.evseUid, b.evseUid);
}

function bestConnector(connectors: ConnectorDto[], vehicle: VehicleSpec): { id: string; powerKw: number } | undefined {
  let best: { id: string; powerKw: number } | undefined;
  for (const connector of connectors) {
    if (!vehicle.connectors.includes(connector.standard)) continue;
    const powerKw = Math.min(vehicle.maxPowerKw, connectorKw(connector));
    if (!(powerKw > 0)) continue;
    if (!best || powerKw > best.powerKw || (powerKw === best.powerKw && compareStrings(connector.id, best.id) < 0)) {
      best = { id: connector.id, powerKw };
    }
  }
  return best;
}

/** What the connector delivers, in kW: its stated power, else voltage x current (x 3 phases). */
function connectorKw(connector: ConnectorDto): number {
  if (connector.max_electric_power !== undefined) return connector.max_electric_power / 1000;
  const phases = connector.power_type === PowerType.AC3Phase ? 3 : 1;
  return (connector.max_voltage * connector.max_amperage * phases) / 1000;
}

/**
 * The station furthest along among those at least 1 km further along than `from` within
 * `budgetKm` of driving; ties: faster, then by operator, then by id.
 */
function furthestReachable(stations: Station[], from: Position, budgetKm: number): Station | undefined {
  let best: Station | undefined;
  for (const station of stations) {
    if (station.alongKm < from.alongKm + MIN_PROGRESS_KM) continue;
    if (legKmBetween(from, station) > budgetKm + RANGE_SLACK_KM) continue;
    if (!best || compareStops(station, best) < 0) best = station;
  }
  return best;
}

function compareStops(a: Station, b: Station): number {
  if (a.alongKm !== b.alongKm) return b.alongKm - a.alongKm;
  if (a.powerKw !== b.powerKw) return b.powerKw - a.powerKw;
  return compareStrings(a.operatorId, b.operatorId) || compareStrings(a.id, b.id);
}

/** Back to the route from `from`, along it, and out to `to`. */
function legKmBetween(from: Position, to: Position): number {
  return to.alongKm - from.alongKm + from.offKm + to.offKm;
}

function unreachable(atKm: number, reason: string): PlanResult {
  return { unreachable: { atKm: round(atKm, 1), reason } };
}

function assertPlanInput(vehicle: VehicleSpec, options: PlanOptions): void {
  const positive = (value: number) => Number.isFinite(value) && value > 0;
  const percent = (value: number) => Number.isFinite(value) && value >= 0 && value <= 100;
  if (!positive(vehicle.rangeKm)) throw new RangeError('vehicle.rangeKm must be > 0');
  if (!positive(vehicle.maxPowerKw)) throw new RangeError('vehicle.maxPowerKw must be > 0');
  if (!positive(vehicle.consumptionKwhPer100Km)) throw new RangeError('vehicle.consumptionKwhPer100Km must be > 0');
  if (!percent(vehicle.socPercent)) throw new RangeError('vehicle.socPercent must be within 0..100');
  if (Number.isNaN(options.departure.getTime())) throw new RangeError('options.departure must be a valid date');
  if (!Number.isFinite(options.corridorKm) || options.corridorKm < 0) throw new RangeError('options.corridorKm must be >= 0');
  if (!percent(options.reservePercent) || options.reservePercent === 100) throw new RangeError('options.reservePercent must be within 0..100 (excluded)');
  if (!percent(options.chargeToPercent) || options.chargeToPercent <= options.reservePercent) {
    throw new RangeError('options.chargeToPercent must be within reservePercent..100 (reservePercent excluded)');
  }
  if (!positive(options.averageSpeedKmh)) throw new RangeError('options.averageSpeedKmh must be > 0');
  if (!Number.isInteger(options.maxStops) || options.maxStops < 0) throw new RangeError('options.maxStops must be a whole number >= 0');
}

function assertGeoPoint(point: GeoPoint): void {
  if (!Number.isFinite(point.latitude) || Math.abs(point.latitude) > 90 || !Number.isFinite(point.longitude)) {
    throw new RangeError(`not a point on Earth: ${JSON.stringify(point)}`);
  }
}

function vectorOf(point: GeoPoint): Vector {
  const latitude = radians(point.latitude);
  const longitude = radians(point.longitude);
  return [Math.cos(latitude) * Math.cos(longitude), Math.cos(latitude) * Math.sin(longitude), Math.sin(latitude)];
}

function pointOf([x, y, z]: Vector): GeoPoint {
  return { latitude: degrees(Math.atan2(z, Math.hypot(x, y))), longitude: degrees(Math.atan2(y, x)) };
}

/** The point a fraction `t` of the way from unit vector `a` to `b` along their great circle. */
function slerp(a: Vector, b: Vector, t: number): Vector {
  const omega = angle(a, b);
  const sine = Math.sin(omega);
  if (sine < 1e-12) {
    if (omega < 1) return a;
    throw new RangeError('antipodal points have no one great circle between them');
  }
  return plus(times(a, Math.sin((1 - t) * omega) / sine), times(b, Math.sin(t * omega) / sine));
}

/** Angle between two vectors (of any length), stable for small and large angles alike. */
function angle(a: Vector, b: Vector): number {
  const cross: Vector = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  return Math.atan2(Math.hypot(...cross), dot(a, b));
}

function dot(a: Vector, b: Vector): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function plus(a: Vector, b: Vector): Vector {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

function minus(a: Vector, b: Vector): Vector {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

function times(a: Vector, factor: number): Vector {
  return [a[0] * factor, a[1] * factor, a[2] * factor];
}

function radians(value: number): number {
  return (value * Math.PI) / 180;
}

function degrees(value: number): number {
  return (value * 180) / Math.PI;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** Rounds up, forgiving the float noise that would add a whole unit for nothing. */
function ceilTolerant(value: number): number {
  return Math.ceil(value - 1e-9);
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
