import fc from 'fast-check';
import { ConnectorFormat, ConnectorType, EARTH_RADIUS_KM, EvseStatus, PowerType, type ConnectorDto, type EvseDto, type LocationDto } from '@app/shared';
import {
  corridorCircles,
  distanceKm,
  planTrip,
  pointAlong,
  projectOnRoute,
  routeThrough,
  type CandidateStation,
  type GeoPoint,
  type PlanOptions,
  type PlanResult,
  type Route,
  type TripPlan,
  type VehicleSpec,
} from './trip-planner.js';

/** Fixed so a run is repeatable; FUZZ_SEED picks another. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const MINUTE = 60_000;

const SALVADOR: GeoPoint = { latitude: -12.9714, longitude: -38.5014 };
const FEIRA: GeoPoint = { latitude: -12.2664, longitude: -38.9663 };
const CONQUISTA: GeoPoint = { latitude: -14.8615, longitude: -40.8442 };
const UNUSABLE = new Set([EvseStatus.OutOfOrder, EvseStatus.Inoperative, EvseStatus.Removed, EvseStatus.Blocked, EvseStatus.Planned]);
const STANDARDS = [ConnectorType.IEC_62196_T2, ConnectorType.IEC_62196_T2_COMBO, ConnectorType.CHADEMO, ConnectorType.GBT_DC];

const rad = (deg: number) => (deg * Math.PI) / 180;
const deg = (r: number) => (r * 180) / Math.PI;

/** Great-circle distance by the spherical law of cosines, a formula independent of the haversine. */
function lawOfCosinesKm(a: GeoPoint, b: GeoPoint): number {
  const cosine =
    Math.sin(rad(a.latitude)) * Math.sin(rad(b.latitude)) +
    Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.cos(rad(b.longitude - a.longitude));
  return Math.acos(Math.min(1, Math.max(-1, cosine))) * EARTH_RADIUS_KM;
}

/** The point `km` from `from` on the initial bearing `bearingDeg` (spherical direct problem). */
function travel(from: GeoPoint, bearingDeg: number, km: number): GeoPoint {
  const delta = km / EARTH_RADIUS_KM;
  const phi = rad(from.latitude);
  const theta = rad(bearingDeg);
  const latitude = Math.asin(Math.sin(phi) * Math.cos(delta) + Math.cos(phi) * Math.sin(delta) * Math.cos(theta));
  const longitude =
    rad(from.longitude) + Math.atan2(Math.sin(theta) * Math.sin(delta) * Math.cos(phi), Math.cos(delta) - Math.sin(phi) * Math.sin(latitude));
  return { latitude: deg(latitude), longitude: deg(longitude) };
}

function initialBearing(from: GeoPoint, to: GeoPoint): number {
  const phi1 = rad(from.latitude);
  const phi2 = rad(to.latitude);
  const lambda = rad(to.longitude - from.longitude);
  return deg(Math.atan2(Math.sin(lambda) * Math.cos(phi2), Math.cos(phi1) * Math.sin(phi2) - Math.sin(phi1) * Math.cos(phi2) * Math.cos(lambda)));
}

function unit(p: GeoPoint): [number, number, number] {
  return [Math.cos(rad(p.latitude)) * Math.cos(rad(p.longitude)), Math.cos(rad(p.latitude)) * Math.sin(rad(p.longitude)), Math.sin(rad(p.latitude))];
}

/** Distance of `p` from the great circle through `a` and `b`. */
function crossTrackKm(a: GeoPoint, b: GeoPoint, p: GeoPoint): number {
  const [ax, ay, az] = unit(a);
  const [bx, by, bz] = unit(b);
  const normal = [ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx];
  const length = Math.hypot(...normal);
  const [px, py, pz] = unit(p);
  return Math.abs(Math.asin((normal[0] * px + normal[1] * py + normal[2] * pz) / length)) * EARTH_RADIUS_KM;
}

/** A straight north-to-south route of `lengthKm` in the interior of Bahia (a meridian: a great circle). */
function straightRoute(lengthKm: number): Route {
  const origin = { latitude: -10, longitude: -41 };
  return routeThrough([origin, { latitude: origin.latitude - deg(lengthKm / EARTH_RADIUS_KM), longitude: origin.longitude }]);
}

/** The point `offKm` east (or west) of the straight route's position `alongKm`: it projects back there. */
function beside(route: Route, alongKm: number, offKm: number, east = true): GeoPoint {
  return travel(pointAlong(route, alongKm), east ? 90 : 270, offKm);
}

interface ConnectorSpec {
  standard?: ConnectorType;
  power_type?: PowerType;
  max_voltage?: number;
  max_amperage?: number;
  max_electric_power?: number;
}

function connector(id: string, spec: ConnectorSpec = {}): ConnectorDto {
  return {
    id,
    standard: spec.standard ?? ConnectorType.IEC_62196_T2_COMBO,
    format: ConnectorFormat.Cable,
    power_type: spec.power_type ?? PowerType.DC,
    max_voltage: spec.max_voltage ?? 400,
    max_amperage: spec.max_amperage ?? 125,
    max_electric_power: spec.max_electric_power,
    last_updated: '2026-11-20T10:15:00Z',
  };
}

function evse(uid: string, status: EvseStatus, connectors: ConnectorDto[]): EvseDto {
  return { uid, status, connectors, last_updated: '2026-11-20T10:15:00Z' };
}

/** A DC station of `kw` kW with one AVAILABLE CCS2 EVSE, unless EVSEs are given. */
function station(operatorId: string, id: string, at: GeoPoint, evses: EvseDto[] = [dcEvse('E1', 50)], name?: string): CandidateStation {
  const location: LocationDto = {
    country_code: 'BR',
    party_id: operatorId.slice(3),
    id,
    publish: true,
    name,
    address: 'Rodovia BR-116',
    city: 'Bahia',
    country: 'BRA',
    coordinates: { latitude: at.latitude.toFixed(7), longitude: at.longitude.toFixed(7) },
    evses,
    time_zone: 'America/Bahia',
    last_updated: '2026-11-20T10:15:00Z',
  };
  return { operatorId, location };
}

function dcEvse(uid: string, kw: number, status = EvseStatus.Available): EvseDto {
  return evse(uid, status, [connector('1', { max_electric_power: kw * 1000 })]);
}

const VEHICLE: VehicleSpec = {
  rangeKm: 400,
  connectors: [ConnectorType.IEC_62196_T2, ConnectorType.IEC_62196_T2_COMBO],
  maxPowerKw: 100,
  socPercent: 100,
  consumptionKwhPer100Km: 20,
};

const OPTIONS: PlanOptions = {
  departure: new Date('2026-11-20T08:00:00Z'),
  corridorKm: 10,
  reservePercent: 10,
  chargeToPercent: 80,
  averageSpeedKmh: 80,
  maxStops: 20,
};

function planOf(result: PlanResult): TripPlan {
  if ('unreachable' in result) throw new Error(`expected a plan, got: ${result.unreachable.reason}`);
  return result.plan;
}

function unreachableOf(result: PlanResult): { atKm: number; reason: string } {
  if ('plan' in result) throw new Error(`expected no plan, got one with ${result.plan.stops.length} stops`);
  return result.unreachable;
}

/** What a connector delivers by the module's rule, worked out here again. */
function connectorKw(c: ConnectorDto): number {
  if (c.max_electric_power !== undefined) return c.max_electric_power / 1000;
  return (c.max_voltage * c.max_amperage * (c.power_type === PowerType.AC3Phase ? 3 : 1)) / 1000;
}

describe('distanceKm', () => {
  it('puts Salvador about 93 km from Feira de Santana, as the law of cosines does', () => {
    const km = distanceKm(SALVADOR, FEIRA);
    expect(Math.abs(km - lawOfCosinesKm(SALVADOR, FEIRA))).toBeLessThan(0.001);
    expect(Math.abs(km - 93)).toBeLessThan(1);
    expect(distanceKm(FEIRA, SALVADOR)).toBe(km);
  });

  it('gives the known arcs: a degree of the equator, a quarter meridian, half the equator', () => {
    expect(distanceKm({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 1 })).toBeCloseTo((Math.PI / 180) * EARTH_RADIUS_KM, 9);
    expect(distanceKm({ latitude: 0, longitude: 0 }, { latitude: 90, longitude: 0 })).toBeCloseTo((Math.PI / 2) * EARTH_RADIUS_KM, 6);
    expect(distanceKm({ latitude: 0, longitude: -90 }, { latitude: 0, longitude: 90 })).toBeCloseTo(Math.PI * EARTH_RADIUS_KM, 6);
    expect(distanceKm({ latitude: 0, longitude: 179.5 }, { latitude: 0, longitude: -179.5 })).toBeCloseTo((Math.PI / 180) * EARTH_RADIUS_KM, 9);
    expect(distanceKm(FEIRA, FEIRA)).toBe(0);
  });

  it('is symmetric, agrees with the law of cosines and keeps the triangle inequality (property)', () => {
    const point = fc.record({ latitude: fc.double({ min: -90, max: 90, noNaN: true }), longitude: fc.double({ min: -180, max: 180, noNaN: true }) });
    fc.assert(
      fc.property(point, point, point, (a, b, c) => {
        const ab = distanceKm(a, b);
        expect(distanceKm(b, a)).toBeCloseTo(ab, 6);
        expect(Math.abs(ab - lawOfCosinesKm(a, b))).toBeLessThan(0.001);
        expect(ab).toBeLessThanOrEqual(distanceKm(a, c) + distanceKm(c, b) + 0.001);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('routeThrough', () => {
  it('goes through the origin, the waypoints and the destination, with legs as long as their great circles', () => {
    const route = routeThrough([SALVADOR, FEIRA, CONQUISTA]);
    expect(route.points[0]).toEqual(SALVADOR);
    expect(route.points.at(-1)).toEqual(CONQUISTA);
    const atFeira = route.points.findIndex((p) => p.latitude === FEIRA.latitude && p.longitude === FEIRA.longitude);
    expect(route.cumulativeKm[atFeira]).toBeCloseTo(distanceKm(SALVADOR, FEIRA), 6);
    expect(route.lengthKm).toBeCloseTo(distanceKm(SALVADOR, FEIRA) + distanceKm(FEIRA, CONQUISTA), 6);
    expect(route.lengthKm).toBe(route.cumulativeKm.at(-1));
    expect(route.cumulativeKm).toHaveLength(route.points.length);
  });

  it('adds nothing for a point repeated in a row and refuses fewer than two points or a point off the Earth', () => {
    expect(routeThrough([SALVADOR, FEIRA, FEIRA])).toEqual(routeThrough([SALVADOR, FEIRA]));
    expect(routeThrough([FEIRA, FEIRA])).toEqual({ points: [FEIRA], cumulativeKm: [0], lengthKm: 0 });
    expect(() => routeThrough([FEIRA])).toThrow(RangeError);
    expect(() => routeThrough([FEIRA, { latitude: 91, longitude: 0 }])).toThrow(RangeError);
    expect(() => routeThrough([FEIRA, { latitude: Number.NaN, longitude: 0 }])).toThrow(RangeError);
  });

  it('densifies each leg on its great circle, in pieces of at most 10 km (property)', () => {
    const point = fc.record({ latitude: fc.double({ min: -85, max: 85, noNaN: true }), longitude: fc.double({ min: -180, max: 180, noNaN: true }) });
    const leg = fc.tuple(point, point).filter(([a, b]) => distanceKm(a, b) > 1 && distanceKm(a, b) < 19_000);
    fc.assert(
      fc.property(leg, ([a, b]) => {
        const route = routeThrough([a, b]);
        expect(route.lengthKm).toBeCloseTo(distanceKm(a, b), 6);
        let shortest = Infinity;
        let longest = 0;
        let offCircle = 0;
        let misplaced = 0;
        for (let i = 1; i < route.points.length; i++) {
          const piece = route.cumulativeKm[i] - route.cumulativeKm[i - 1];
          shortest = Math.min(shortest, piece);
          longest = Math.max(longest, piece);
          offCircle = Math.max(offCircle, crossTrackKm(a, b, route.points[i]));
          misplaced = Math.max(misplaced, Math.abs(distanceKm(a, route.points[i]) - route.cumulativeKm[i]));
        }
        expect(shortest).toBeGreaterThan(0);
        expect(longest).toBeLessThanOrEqual(10 + 1e-9);
        expect(offCircle).toBeLessThan(1e-4);
        expect(misplaced).toBeLessThan(0.001);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});

describe('projectOnRoute', () => {
  const route = routeThrough([SALVADOR, FEIRA, CONQUISTA]);

  it('puts a point on the route at its km, off by nothing', () => {
    for (const km of [0, 5, 93.2, 150, 300.5, route.lengthKm]) {
      const { alongKm, offKm } = projectOnRoute(route, pointAlong(route, km));
      expect(alongKm).toBeCloseTo(km, 3);
      expect(offKm).toBeLessThan(0.001);
    }
    expect(projectOnRoute(route, FEIRA).alongKm).toBeCloseTo(distanceKm(SALVADOR, FEIRA), 6);
  });

  it('measures a point beside the route square to it, and one beyond an end from that end', () => {
    const straight = straightRoute(500);
    const side = projectOnRoute(straight, beside(straight, 200, 12));
    expect(side.alongKm).toBeCloseTo(200, 3);
    expect(side.offKm).toBeCloseTo(12, 3);
    const destination = straight.points.at(-1)!;
    const beyond = travel(destination, 180, 30);
    expect(projectOnRoute(straight, beyond)).toEqual({ alongKm: expect.closeTo(straight.lengthKm, 6) as number, offKm: expect.closeTo(30, 3) as number });
  });

  it('finds the km and the offset of points square to a leg (property)', () => {
    const point = fc.record({ latitude: fc.double({ min: -80, max: 80, noNaN: true }), longitude: fc.double({ min: -180, max: 180, noNaN: true }) });
    const leg = fc.tuple(point, point).filter(([a, b]) => distanceKm(a, b) > 20 && distanceKm(a, b) < 19_000);
    const fraction = fc.double({ min: 0, max: 1, noNaN: true });
    const off = fc.double({ min: 0, max: 100, noNaN: true });
    fc.assert(
      fc.property(leg, fraction, off, fc.boolean(), ([a, b], f, offKm, left) => {
        const single = routeThrough([a, b]);
        const km = f * (single.lengthKm - 1);
        const on = pointAlong(single, km);
        const heading = initialBearing(on, b);
        const projected = projectOnRoute(single, travel(on, heading + (left ? -90 : 90), offKm));
        expect(Math.abs(projected.alongKm - km)).toBeLessThan(0.01);
        expect(Math.abs(projected.offKm - offKm)).toBeLessThan(0.001);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('never reports a point further off than a route position it is known to be near (property)', () => {
    const point = fc.record({ latitude: fc.double({ min: -80, max: 80, noNaN: true }), longitude: fc.double({ min: -180, max: 180, noNaN: true }) });
    const points = fc.array(point, { minLength: 2, maxLength: 4 }).filter((ps) => ps.every((p, i) => i === 0 || distanceKm(ps[i - 1], p) < 19_000));
    fc.assert(
      fc.property(points, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 200, noNaN: true }), fc.double({ min: 0, max: 360, noNaN: true }), (ps, f, offKm, bearing) => {
        const multi = routeThrough(ps);
        const near = travel(pointAlong(multi, f * multi.lengthKm), bearing, offKm);
        const projected = projectOnRoute(multi, near);
        expect(projected.offKm).toBeLessThanOrEqual(offKm + 0.001);
        expect(projected.alongKm).toBeGreaterThanOrEqual(0);
        expect(projected.alongKm).toBeLessThanOrEqual(multi.lengthKm);
        expect(distanceKm(pointAlong(multi, projected.alongKm), near)).toBeCloseTo(projected.offKm, 3);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});

describe('corridorCircles', () => {
  const route = routeThrough([SALVADOR, FEIRA, CONQUISTA]);

  it('spaces circles two corridor widths apart along the route when few enough are needed', () => {
    const circles = corridorCircles(route, 25);
    expect(circles).toHaveLength(Math.ceil(route.lengthKm / 50));
    for (const circle of circles) {
      expect(circle.radiusKm).toBeLessThanOrEqual(50 + 0.01);
      expect(projectOnRoute(route, circle.center).offKm).toBeLessThan(0.001);
    }
  });

  it('grows the circles instead of exceeding maxCircles', () => {
    const circles = corridorCircles(route, 5);
    expect(circles).toHaveLength(24);
    expect(circles[0].radiusKm).toBeCloseTo(5 + route.lengthKm / 48, 2);
    expect(corridorCircles(route, 5, 100)).toHaveLength(Math.ceil(route.lengthKm / 10));
    expect(corridorCircles(route, 0, 3)).toHaveLength(3);
    expect(corridorCircles(routeThrough([FEIRA, FEIRA]), 7)).toEqual([{ center: FEIRA, radiusKm: expect.closeTo(7, 2) as number }]);
    expect(() => corridorCircles(route, -1)).toThrow(RangeError);
    expect(() => corridorCircles(route, 5, 0)).toThrow(RangeError);
  });

  it('covers every point within the corridor (property)', () => {
    const point = fc.record({ latitude: fc.double({ min: -80, max: 80, noNaN: true }), longitude: fc.double({ min: -180, max: 180, noNaN: true }) });
    const points = fc.array(point, { minLength: 2, maxLength: 4 }).filter((ps) => ps.every((p, i) => i === 0 || distanceKm(ps[i - 1], p) < 19_000));
    fc.assert(
      fc.property(
        points,
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 360, noNaN: true })), {
          minLength: 1,
          maxLength: 20,
        }),
        (ps, corridorKm, maxCircles, samples) => {
          const multi = routeThrough(ps);
          const circles = corridorCircles(multi, corridorKm, maxCircles);
          expect(circles.length).toBeGreaterThanOrEqual(1);
          expect(circles.length).toBeLessThanOrEqual(maxCircles);
          for (const [f, g, bearing] of samples) {
            const inside = travel(pointAlong(multi, f * multi.lengthKm), bearing, g * corridorKm);
            expect(circles.some((circle) => distanceKm(circle.center, inside) <= circle.radiusKm)).toBe(true);
          }
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });
});

describe('planTrip', () => {
  describe('from Salvador through Feira de Santana to Vitória da Conquista', () => {
    const route = routeThrough([SALVADOR, FEIRA, CONQUISTA]);
    const vehicle: VehicleSpec = { ...VEHICLE, rangeKm: 420, socPercent: 60, consumptionKwhPer100Km: 15 };
    const feiraShopping = { latitude: -12.2578123, longitude: -38.9600456 };
    const candidates = [
      station('BR-SSA', 'SSA-001', { latitude: -12.9777, longitude: -38.4981 }, [dcEvse('E1', 150)], 'Salvador Shopping'),
      station('BR-SSA', 'SSA-002', { latitude: -12.9652, longitude: -38.5123 }),
      station(
        'BR-FSA',
        'FSA-001',
        feiraShopping,
        [
          evse('FSA-001-E1', EvseStatus.Available, [connector('1', { standard: ConnectorType.IEC_62196_T2, power_type: PowerType.AC3Phase, max_voltage: 230, max_amperage: 32 })]),
          dcEvse('FSA-001-E2', 60),
          dcEvse('FSA-001-E3', 150, EvseStatus.OutOfOrder),
        ],
        'Boulevard Shopping Feira',
      ),
      station('BR-FSA', 'FSA-002', { latitude: -12.31, longitude: -38.93 }, [
        evse('FSA-002-E1', EvseStatus.Available, [connector('1', { standard: ConnectorType.IEC_62196_T2, power_type: PowerType.AC3Phase, max_voltage: 230, max_amperage: 32 })]),
      ]),
      station('BR-VDC', 'VDC-001', { latitude: -14.865, longitude: -40.839 }, [dcEvse('E1', 50)]),
      station('BR-VDC', 'VDC-002', { latitude: -14.85, longitude: -40.85 }, [dcEvse('E1', 120)]),
    ];

    it('plans one stop near Feira, charged enough for Vitória da Conquista', () => {
      const plan = planOf(planTrip(route, vehicle, OPTIONS, candidates));
      expect(plan.stops).toHaveLength(1);
      const [stop] = plan.stops;
      expect(stop).toMatchObject({
        operatorId: 'BR-FSA',
        stationId: 'FSA-001',
        stationName: 'Boulevard Shopping Feira',
        evseUid: 'FSA-001-E2',
        connectorId: '1',
        latitude: feiraShopping.latitude,
        longitude: feiraShopping.longitude,
        powerKw: 60,
      });
      expect(distanceKm(feiraShopping, FEIRA)).toBeLessThan(2);
      const where = projectOnRoute(route, feiraShopping);
      expect(stop.alongKm).toBeCloseTo(where.alongKm, 1);
      expect(stop.detourKm).toBeCloseTo(where.offKm, 1);
      const legKm = where.alongKm + where.offKm;
      expect(stop.legKm).toBeCloseTo(legKm, 1);
      const arrivalSoc = 60 - (legKm / 420) * 100;
      expect(stop.arrivalSocPercent).toBeCloseTo(arrivalSoc, 1);
      // 80 % would not reach Conquista nor a station before it: charged to what the rest needs.
      const needed = Math.ceil(((route.lengthKm - where.alongKm + where.offKm + 42) / 420) * 100);
      expect(needed).toBeGreaterThan(80);
      expect(stop.departureSocPercent).toBe(needed);
      expect(stop.chargeKwh).toBeCloseTo(((needed - arrivalSoc) / 100) * 63, 2);
      expect(stop.chargeMinutes).toBe(Math.ceil((((needed - arrivalSoc) / 100) * 63 * 60) / 60));
      expect(stop.arrivalAt.getTime()).toBeCloseTo(OPTIONS.departure.getTime() + (legKm / 80) * 3_600_000, -1);
      expect(stop.departureAt.getTime() - stop.arrivalAt.getTime()).toBe(stop.chargeMinutes * MINUTE);
      const finalKm = route.lengthKm - where.alongKm + where.offKm;
      expect(plan.distanceKm).toBeCloseTo(legKm + finalKm, 1);
      expect(plan.arrivalSocPercent).toBeCloseTo(needed - (finalKm / 420) * 100, 1);
      expect(plan.arrivalSocPercent).toBeGreaterThanOrEqual(10);
      expect(plan.arrivalAt.getTime()).toBeCloseTo(stop.departureAt.getTime() + (finalKm / 80) * 3_600_000, -1);
    });

    it('needs no stop when the destination is within range', () => {
      const plan = planOf(planTrip(route, { ...vehicle, socPercent: 100, rangeKm: 500 }, OPTIONS, candidates));
      expect(plan.stops).toEqual([]);
      expect(plan.distanceKm).toBeCloseTo(route.lengthKm, 1);
      expect(plan.arrivalSocPercent).toBeCloseTo(100 - (route.lengthKm / 500) * 100, 1);
      expect(plan.arrivalAt.getTime()).toBeCloseTo(OPTIONS.departure.getTime() + (route.lengthKm / 80) * 3_600_000, -1);
    });

    it('counts a station found by two search circles once', () => {
      const once = planTrip(route, vehicle, OPTIONS, candidates);
      expect(planTrip(route, vehicle, OPTIONS, [...candidates, ...candidates.slice().reverse()])).toEqual(once);
    });
  });

  describe('on a straight 1000 km route', () => {
    const route = straightRoute(1000);
    const at = (km: number, id: string, evses?: EvseDto[], offKm = 0, operatorId = 'BR-VDC') => station(operatorId, id, beside(route, km, offKm), evses);

    it('charges to chargeToPercent, to 100 % when that reaches nothing further, and to what the destination needs', () => {
      const plan = planOf(planTrip(route, VEHICLE, OPTIONS, [at(350, 'A'), at(600, 'B'), at(906, 'C'), at(200, 'BEHIND-A')]));
      expect(plan.stops.map((s) => s.stationId)).toEqual(['A', 'B', 'C']);
      expect(plan.stops.map((s) => s.alongKm)).toEqual([350, 600, 906]);
      expect(plan.stops.map((s) => s.legKm)).toEqual([350, 250, 306]);
      expect(plan.stops.map((s) => s.arrivalSocPercent)).toEqual([12.5, 17.5, 23.5]);
      expect(plan.stops.map((s) => s.departureSocPercent)).toEqual([80, 100, 34]);
      expect(plan.stops.map((s) => s.chargeKwh)).toEqual([54, 66, 8.4]);
      expect(plan.stops.map((s) => s.chargeMinutes)).toEqual([65, 80, 11]);
      expect(plan.arrivalSocPercent).toBe(10.5);
      expect(plan.distanceKm).toBe(1000);
    });

    it('books a window from 10 minutes before arrival to 10 minutes after the charge, on whole minutes', () => {
      const [stop] = planOf(planTrip(route, VEHICLE, OPTIONS, [at(350, 'A'), at(600, 'B'), at(906, 'C')])).stops;
      // 350 km at 80 km/h: 4 h 22 min 30 s; 54 kWh at 50 kW: 64.8 min, so 65.
      expect(Math.abs(stop.arrivalAt.getTime() - Date.parse('2026-11-20T12:22:30Z'))).toBeLessThan(5);
      expect(stop.departureAt.getTime() - stop.arrivalAt.getTime()).toBe(65 * MINUTE);
      expect(stop.startsAt).toEqual(new Date('2026-11-20T12:12:00Z'));
      expect(stop.endsAt).toEqual(new Date('2026-11-20T13:38:00Z'));
    });

    it('charges for at least 5 minutes', () => {
      const plan = planOf(planTrip(straightRoute(390), VEHICLE, { ...OPTIONS, reservePercent: 5 }, [at(350, 'A')]));
      expect(plan.stops).toHaveLength(1);
      expect(plan.stops[0].chargeKwh).toBeLessThan(4);
      expect(plan.stops[0].chargeMinutes).toBe(5);
    });

    it('is unreachable across a gap longer than the range', () => {
      const result = unreachableOf(planTrip(route, VEHICLE, OPTIONS, [at(150, 'A'), at(350, 'B'), at(800, 'C')]));
      expect(result.atKm).toBe(350);
      expect(result.reason).toBe('no charging station with a usable connector within reach after km 350');
    });

    it('is unreachable when it would need more than maxStops stops', () => {
      const stations = [at(350, 'A'), at(600, 'B'), at(906, 'C')];
      expect(unreachableOf(planTrip(route, VEHICLE, { ...OPTIONS, maxStops: 2 }, stations))).toEqual({
        atKm: 600,
        reason: 'more than 2 charging stops would be needed (after km 600)',
      });
      expect(unreachableOf(planTrip(route, VEHICLE, { ...OPTIONS, maxStops: 0 }, stations)).atKm).toBe(0);
    });

    it('is unreachable from the start when the departure charge is below the reserve', () => {
      expect(unreachableOf(planTrip(route, { ...VEHICLE, socPercent: 8 }, OPTIONS, [at(20, 'A')]))).toEqual({
        atKm: 0,
        reason: 'the charge at departure (8 %) is below the reserve of 10 %',
      });
    });

    it('drives the detour there and back, and ignores stations outside the corridor or not 1 km ahead', () => {
      const plan = planOf(planTrip(straightRoute(600), VEHICLE, OPTIONS, [at(340, 'NEAR', undefined, 6), at(355, 'FAR', undefined, 10.5), at(0.5, 'START')]));
      expect(plan.stops).toHaveLength(1);
      expect(plan.stops[0]).toMatchObject({ stationId: 'NEAR', alongKm: 340, detourKm: 6, legKm: 346 });
      expect(plan.distanceKm).toBe(346 + 260 + 6);
      expect(unreachableOf(planTrip(route, VEHICLE, OPTIONS, [at(0.5, 'START')])).atKm).toBe(0);
    });

    it('breaks ties at the same km by power, then operator, then station id', () => {
      const tie = (operatorId: string, id: string, kw: number) => at(350, id, [dcEvse('E1', kw)], 0, operatorId);
      const first = (candidates: CandidateStation[]) => planOf(planTrip(route, VEHICLE, OPTIONS, [...candidates, at(600, 'B'), at(906, 'C')])).stops[0];
      expect(first([tie('BR-AAA', 'A', 50), tie('BR-ZZZ', 'Z', 60)])).toMatchObject({ operatorId: 'BR-ZZZ', powerKw: 60 });
      expect(first([tie('BR-ZZZ', 'A', 50), tie('BR-AAA', 'Z', 50)])).toMatchObject({ operatorId: 'BR-AAA', stationId: 'Z' });
      expect(first([tie('BR-AAA', 'Z', 50), tie('BR-AAA', 'Y', 50)])).toMatchObject({ operatorId: 'BR-AAA', stationId: 'Y' });
    });

    it('keeps the first copy of a station given twice', () => {
      const stations = [at(350, 'A', [dcEvse('E1', 50)]), at(350, 'A', [dcEvse('E9', 100)]), at(600, 'B'), at(906, 'C')];
      expect(planOf(planTrip(route, VEHICLE, OPTIONS, stations)).stops[0]).toMatchObject({ stationId: 'A', evseUid: 'E1', powerKw: 50 });
    });

    it('charges at the fastest usable EVSE and connector: fitting standard, usable status, AVAILABLE and lower uid on a tie', () => {
      const ccs = (kw: number) => connector('ccs', { max_electric_power: kw * 1000 });
      const chademo = connector('chademo', { standard: ConnectorType.CHADEMO, max_electric_power: 200_000 });
      const evses = [
        evse('E1', EvseStatus.OutOfOrder, [ccs(150)]),
        evse('E2', EvseStatus.Inoperative, [ccs(150)]),
        evse('E3', EvseStatus.Removed, [ccs(150)]),
        evse('E4', EvseStatus.Blocked, [ccs(150)]),
        evse('E5', EvseStatus.Planned, [ccs(150)]),
        evse('E6', EvseStatus.Available, [chademo, ccs(40)]),
        evse('E8', EvseStatus.Charging, [ccs(60)]),
        evse('E9', EvseStatus.Available, [ccs(60)]),
        evse('E7', EvseStatus.Unknown, [chademo, ccs(60)]),
      ];
      const stop = planOf(planTrip(route, VEHICLE, OPTIONS, [at(350, 'A', evses), at(600, 'B'), at(906, 'C')])).stops[0];
      expect(stop).toMatchObject({ evseUid: 'E9', connectorId: 'ccs', powerKw: 60 });
      const withoutAvailable = evses.filter((e) => e.uid !== 'E9');
      expect(planOf(planTrip(route, VEHICLE, OPTIONS, [at(350, 'A', withoutAvailable), at(600, 'B'), at(906, 'C')])).stops[0]).toMatchObject({ evseUid: 'E7' });
      const unusable = evses.slice(0, 5).concat(evse('E6', EvseStatus.Available, [chademo]));
      expect(unreachableOf(planTrip(route, VEHICLE, OPTIONS, [at(350, 'A', unusable), at(600, 'B'), at(906, 'C')])).atKm).toBe(0);
    });

    it('reads connector power from max_electric_power, else volts x amperes (x 3 on AC_3_PHASE), capped by the car', () => {
      const powerAt = (c: ConnectorDto, maxPowerKw = 100) =>
        planOf(planTrip(route, { ...VEHICLE, maxPowerKw }, OPTIONS, [at(350, 'A', [evse('E1', EvseStatus.Available, [c])]), at(600, 'B'), at(906, 'C')])).stops[0].powerKw;
      const ac = (power_type: PowerType, max_electric_power?: number) =>
        connector('1', { standard: ConnectorType.IEC_62196_T2, power_type, max_voltage: 230, max_amperage: 32, max_electric_power });
      expect(powerAt(ac(PowerType.AC3Phase))).toBe(22.08);
      expect(powerAt(ac(PowerType.AC1Phase))).toBe(7.36);
      expect(powerAt(ac(PowerType.AC3Phase, 11_000))).toBe(11);
      expect(powerAt(ac(PowerType.AC3Phase), 11)).toBe(11);
      expect(powerAt(connector('1', { max_voltage: 500, max_amperage: 200 }))).toBe(100);
      expect(powerAt(connector('1', { max_voltage: 500, max_amperage: 200 }), 150)).toBe(100);
      expect(powerAt(connector('1', { max_voltage: 500, max_amperage: 400 }), 150)).toBe(150);
    });

    it('refuses options that make no sense', () => {
      const plan = (vehicle: Partial<VehicleSpec>, options: Partial<PlanOptions>) => () => planTrip(route, { ...VEHICLE, ...vehicle }, { ...OPTIONS, ...options }, []);
      expect(plan({ rangeKm: 0 }, {})).toThrow(RangeError);
      expect(plan({ socPercent: 101 }, {})).toThrow(RangeError);
      expect(plan({ consumptionKwhPer100Km: -1 }, {})).toThrow(RangeError);
      expect(plan({}, { chargeToPercent: 10 })).toThrow(RangeError);
      expect(plan({}, { reservePercent: 100, chargeToPercent: 100 })).toThrow(RangeError);
      expect(plan({}, { averageSpeedKmh: 0 })).toThrow(RangeError);
      expect(plan({}, { maxStops: 1.5 })).toThrow(RangeError);
      expect(plan({}, { departure: new Date(Number.NaN) })).toThrow(RangeError);
    });
  });

  describe('on random routes, stations and cars (property)', () => {
    /** Evenly spread tenths: fc.double would favour extremes such as 5e-324, which make dull trips. */
    const tenths = (min: number, max: number) => fc.integer({ min: min * 10, max: max * 10 }).map((n) => n / 10);
    const connectorArb = fc.record({
      standard: fc.constantFrom(...STANDARDS),
      power_type: fc.constantFrom(...Object.values(PowerType)),
      max_voltage: fc.integer({ min: 1, max: 1000 }),
      max_amperage: fc.integer({ min: 1, max: 500 }),
      max_electric_power: fc.option(fc.integer({ min: 1, max: 400_000 }), { nil: undefined }),
    });
    const evseArb = fc.record({ status: fc.constantFrom(...Object.values(EvseStatus)), connectors: fc.array(connectorArb, { minLength: 1, maxLength: 3 }) });
    const stationArb = fc.record({
      operatorId: fc.constantFrom('BR-FSA', 'BR-SSA', 'BR-VDC'),
      fraction: tenths(0, 1000).map((n) => n / 1000),
      offKm: tenths(0, 40),
      east: fc.boolean(),
      evses: fc.array(evseArb, { maxLength: 4, size: 'max' }),
      twice: fc.boolean(),
    });
    const scenarioArb = fc.record({
      lengthKm: tenths(20, 1500),
      stations: fc.array(stationArb, { maxLength: 60, size: 'max' }),
      vehicle: fc.record({
        rangeKm: tenths(80, 700),
        connectors: fc.subarray(STANDARDS, { minLength: 1 }),
        maxPowerKw: tenths(3, 350),
        socPercent: tenths(5, 100),
        consumptionKwhPer100Km: tenths(10, 30),
      }),
      reservePercent: tenths(0, 30),
      chargeToShare: fc.integer({ min: 5, max: 100 }).map((n) => n / 100),
      corridorKm: tenths(0, 40),
      averageSpeedKmh: tenths(30, 130),
      maxStops: fc.integer({ min: 0, max: 20 }),
      departure: fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') }),
    });

    it('keeps every leg within the charge, every arrival above the reserve, and books only usable EVSEs', () => {
      fc.assert(
        fc.property(scenarioArb, (s) => {
          const route = straightRoute(s.lengthKm);
          const unique = s.stations.map((st, i) =>
            station(
              st.operatorId,
              `S${i}`,
              beside(route, st.fraction * route.lengthKm, st.offKm, st.east),
              st.evses.map((e, j) => evse(`E${j}`, e.status, e.connectors.map((c, k) => connector(`C${k}`, c)))),
            ),
          );
          const candidates = [...unique, ...unique.filter((_, i) => s.stations[i].twice)];
          const vehicle: VehicleSpec = s.vehicle;
          const options: PlanOptions = {
            departure: new Date(s.departure),
            corridorKm: s.corridorKm,
            reservePercent: s.reservePercent,
            chargeToPercent: s.reservePercent + (100 - s.reservePercent) * s.chargeToShare,
            averageSpeedKmh: s.averageSpeedKmh,
            maxStops: s.maxStops,
          };
          const result = planTrip(route, vehicle, options, candidates);
          expect(planTrip(route, vehicle, options, unique)).toEqual(result);

          const rangeLeftKm = ((vehicle.socPercent - options.reservePercent) / 100) * vehicle.rangeKm;
          if (rangeLeftKm >= route.lengthKm + 0.01) expect(planOf(result).stops).toEqual([]);
          if ('unreachable' in result) {
            expect(result.unreachable.atKm).toBeGreaterThanOrEqual(0);
            expect(result.unreachable.atKm).toBeLessThanOrEqual(route.lengthKm + 0.05);
            expect(result.unreachable.reason.length).toBeGreaterThan(0);
            return;
          }
          const { plan } = result;
          const socTolerance = 0.1 + (0.2 / vehicle.rangeKm) * 100;
          expect(plan.stops.length).toBeLessThanOrEqual(options.maxStops);
          let previous = { alongKm: 0, detourKm: 0, departureSocPercent: vehicle.socPercent, departureAt: options.departure };
          let drivenKm = 0;
          for (const stop of plan.stops) {
            expect(stop.alongKm).toBeGreaterThan(previous.alongKm);
            expect(stop.alongKm).toBeGreaterThanOrEqual(previous.alongKm + 1 - 0.1);
            expect(stop.detourKm).toBeLessThanOrEqual(options.corridorKm + 0.05);
            expect(Math.abs(stop.legKm - (stop.alongKm - previous.alongKm + previous.detourKm + stop.detourKm))).toBeLessThanOrEqual(0.2);
            expect(stop.legKm).toBeLessThanOrEqual(((previous.departureSocPercent - options.reservePercent) / 100) * vehicle.rangeKm + 0.1 + vehicle.rangeKm * 0.001);
            expect(stop.arrivalSocPercent).toBeGreaterThanOrEqual(options.reservePercent - 0.05);
            expect(Math.abs(stop.arrivalSocPercent - (previous.departureSocPercent - (stop.legKm / vehicle.rangeKm) * 100))).toBeLessThanOrEqual(socTolerance);
            expect(stop.departureSocPercent).toBeGreaterThanOrEqual(stop.arrivalSocPercent);
            expect(stop.departureSocPercent).toBeLessThanOrEqual(100);
            expect(stop.chargeKwh).toBeGreaterThanOrEqual(0);
            expect(stop.chargeMinutes).toBeGreaterThanOrEqual(5);
            expect(stop.chargeMinutes).toBeGreaterThanOrEqual(((stop.chargeKwh - 0.005) / stop.powerKw) * 60);
            expect(stop.chargeMinutes).toBeLessThanOrEqual(Math.max(5, ((stop.chargeKwh + 0.005) / stop.powerKw) * 60 + 1));
            expect(Math.abs(stop.arrivalAt.getTime() - previous.departureAt.getTime() - (stop.legKm / options.averageSpeedKmh) * 3_600_000)).toBeLessThanOrEqual(
              (0.1 / options.averageSpeedKmh) * 3_600_000 + 2,
            );
            expect(stop.departureAt.getTime() - stop.arrivalAt.getTime()).toBe(stop.chargeMinutes * MINUTE);
            expect(stop.startsAt.getTime() % MINUTE).toBe(0);
            expect(stop.endsAt.getTime() % MINUTE).toBe(0);
            expect(stop.arrivalAt.getTime() - stop.startsAt.getTime()).toBeGreaterThanOrEqual(10 * MINUTE);
            expect(stop.arrivalAt.getTime() - stop.startsAt.getTime()).toBeLessThan(11 * MINUTE);
            expect(stop.endsAt.getTime() - stop.departureAt.getTime()).toBeGreaterThanOrEqual(10 * MINUTE);
            expect(stop.endsAt.getTime() - stop.departureAt.getTime()).toBeLessThan(11 * MINUTE);

            const location = candidates.find((c) => c.operatorId === stop.operatorId && c.location.id === stop.stationId)!.location;
            const chosen = location.evses.find((e) => e.uid === stop.evseUid)!;
            const plug = chosen.connectors.find((c) => c.id === stop.connectorId)!;
            expect(UNUSABLE.has(chosen.status)).toBe(false);
            expect(vehicle.connectors).toContain(plug.standard);
            const kw = (c: ConnectorDto) => Math.min(vehicle.maxPowerKw, connectorKw(c));
            const best = Math.max(
              ...location.evses.filter((e) => !UNUSABLE.has(e.status)).flatMap((e) => e.connectors.filter((c) => vehicle.connectors.includes(c.standard)).map(kw)),
            );
            expect(stop.powerKw).toBeCloseTo(kw(plug), 2);
            expect(stop.powerKw).toBeCloseTo(best, 2);
            expect(stop.latitude).toBe(Number(location.coordinates.latitude));
            drivenKm += stop.legKm;
            previous = stop;
          }
          const finalKm = route.lengthKm - previous.alongKm + previous.detourKm;
          expect(finalKm).toBeLessThanOrEqual(((previous.departureSocPercent - options.reservePercent) / 100) * vehicle.rangeKm + 0.1 + vehicle.rangeKm * 0.001);
          expect(plan.arrivalSocPercent).toBeGreaterThanOrEqual(options.reservePercent - 0.05);
          expect(Math.abs(plan.arrivalSocPercent - (previous.departureSocPercent - (finalKm / vehicle.rangeKm) * 100))).toBeLessThanOrEqual(socTolerance);
          expect(Math.abs(plan.distanceKm - drivenKm - finalKm)).toBeLessThanOrEqual(0.1 * (plan.stops.length + 2));
          expect(plan.arrivalAt.getTime()).toBeGreaterThanOrEqual(previous.departureAt.getTime());
        }),
        { seed: SEED, numRuns: 300 },
      );
    });

    it('finds a plan whenever stations sit closer together than the range allows', () => {
      fc.assert(
        fc.property(
          fc.double({ min: 100, max: 2000, noNaN: true }),
          fc.double({ min: 150, max: 600, noNaN: true }),
          fc.double({ min: 0, max: 20, noNaN: true }),
          (lengthKm, rangeKm, reservePercent) => {
            const route = straightRoute(lengthKm);
            const usable = rangeKm * (1 - reservePercent / 100) - 5;
            const spacing = usable * 0.9;
            const stations: CandidateStation[] = [];
            for (let km = spacing; km < lengthKm; km += spacing) stations.push(station('BR-VDC', `S${Math.round(km)}`, beside(route, km, 2)));
            const vehicle = { ...VEHICLE, rangeKm, socPercent: 100 };
            const options = { ...OPTIONS, reservePercent, chargeToPercent: 100, corridorKm: 5, maxStops: 50 };
            const plan = planOf(planTrip(route, vehicle, options, stations));
            expect(plan.arrivalSocPercent).toBeGreaterThanOrEqual(reservePercent - 0.05);
          },
        ),
        { seed: SEED, numRuns: 100 },
      );
    });
  });
});
