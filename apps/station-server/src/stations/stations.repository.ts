import { Inject, Injectable } from '@nestjs/common';
import type { LocationDto, SearchStationsRequestDto } from '@app/shared';
import { EARTH_RADIUS_KM, EvseStatus, PowerType, ReservationStatus } from '@app/shared';
import { and, asc, count, eq, gt, lte, min, sql, type SQL } from 'drizzle-orm';
import { DATABASE } from '../database/database.module.js';
import type { Database } from '../database/database.js';
import { connectors, evses, locations, reservations } from '../database/schema.js';

/** Lock key that lets one replica import the dataset while the others wait. */
const IMPORT_LOCK_KEY = 7_340_222;
/** Length of one degree of latitude (km). */
const KM_PER_DEGREE = (EARTH_RADIUS_KM * Math.PI) / 180;

/** Stations that match a search: the first `limit` in order, and how many match in all. */
export interface StationMatches {
  total: number;
  rows: Array<{ id: string; distance: number | null }>;
}

/** Stations (OCPI Locations with their EVSEs and connectors) in the operator's database. */
@Injectable()
export class StationsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async count(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(locations);
    return row.n;
  }

  /** Every published station, ordered by id, EVSEs and connectors in their imported order. */
  async findAll(): Promise<LocationDto[]> {
    const [locationRows, evseRows, connectorRows] = await Promise.all([
      this.db.select().from(locations).where(sql`${locations.publish}`).orderBy(asc(locations.id)),
      this.db.select().from(evses).orderBy(asc(evses.locationId), asc(evses.position)),
      this.db.select().from(connectors).orderBy(asc(connectors.evseUid), asc(connectors.position)),
    ]);
    const connectorsByEvse = groupBy(connectorRows, (row) => row.evseUid);
    const evsesByLocation = groupBy(evseRows, (row) => row.locationId);
    return locationRows.map((location) => toLocationDto(location, evsesByLocation.get(location.id) ?? [], connectorsByEvse));
  }

  /**
   * The first `limit` published stations that match the filters, nearest first when the query has
   * a point (great-circle distance), by id otherwise. Filters on EVSEs hold for one EVSE together:
   * an AVAILABLE EVSE that has a matching connector, not one EVSE free and another one matching.
   */
  async search(query: SearchStationsRequestDto, limit: number): Promise<StationMatches> {
    const { latitude, longitude, distance } = query;
    const point = latitude !== undefined && longitude !== undefined ? { latitude, longitude } : undefined;
    const distanceKm = point
      ? sql`(${2 * EARTH_RADIUS_KM}::float8 * asin(least(1, sqrt(
          power(sin(radians(l.latitude - ${point.latitude}::float8) / 2), 2)
          + cos(radians(${point.latitude}::float8)) * cos(radians(l.latitude))
          * power(sin(radians(l.longitude - ${point.longitude}::float8) / 2), 2)))))`
      : sql`null::float8`;
    const where: SQL[] = [sql`l.publish`];
    if (point && distance !== undefined) {
      // A band of latitudes first, which the coordinates index answers; then the exact distance.
      const band = distance / KM_PER_DEGREE + 1e-6;
      where.push(sql`l.latitude between ${point.latitude - band}::float8 and ${point.latitude + band}::float8`);
      where.push(sql`${distanceKm} <= ${distance}::float8`);
    }
    const evseFilter = this.evseFilter(query);
    if (evseFilter) where.push(sql`exists (select 1 from ${evses} e where e.location_id = l.id and ${evseFilter})`);
    const order = point ? sql`distance_km, l.id collate "C"` : sql`l.id collate "C"`;
    const result = await this.db.execute<{ id: string; distance_km: number | null; total: string | number }>(sql`
      select l.id, ${distanceKm} as distance_km, count(*) over () as total
      from ${locations} l
      where ${sql.join(where, sql` and `)}
      order by ${order}
      limit ${limit}`);
    const { rows } = result as { rows: Array<{ id: string; distance_km: number | null; total: string | number }> };
    return {
      total: rows.length > 0 ? Number(rows[0].total) : 0,
      rows: rows.map((row) => ({ id: row.id, distance: row.distance_km === null ? null : Number(row.distance_km) })),
    };
  }

  /** The condition one EVSE (alias `e`) must meet, or undefined when the query filters no EVSE. */
  private evseFilter(query: SearchStationsRequestDto): SQL | undefined {
    const conditions: SQL[] = [];
    if (query.available === true) {
      conditions.push(sql`e.status = ${EvseStatus.Available}`);
      conditions.push(sql`not exists (select 1 from ${reservations} r where r.evse_uid = e.uid
        and r.status = ${ReservationStatus.Reserved} and r.starts_at <= now() and r.ends_at > now())`);
    }
    const connector: SQL[] = [];
    if (query.connector?.length) connector.push(sql`c.standard in (${sql.join(query.connector.map((v) => sql`${v}`), sql`, `)})`);
    if (query.power_type?.length) connector.push(sql`c.power_type in (${sql.join(query.power_type.map((v) => sql`${v}`), sql`, `)})`);
    if (query.min_power_kw !== undefined) {
      // OCPI's max_electric_power when given, else voltage x amperage (x 3 phases).
      connector.push(sql`coalesce(c.max_electric_power::float8,
        (case when c.power_type = ${PowerType.AC3Phase} then 3 else 1 end) * c.max_voltage::float8 * c.max_amperage::float8)
        >= ${query.min_power_kw * 1000}::float8`);
    }
    if (connector.length > 0) {
      conditions.push(sql`exists (select 1 from ${connectors} c where c.evse_uid = e.uid and ${sql.join(connector, sql` and `)})`);
    }
    return conditions.length > 0 ? sql.join(conditions, sql` and `) : undefined;
  }

  /**
   * EVSEs held by a reservation at `now`, and when that set changes next (a window starts or ends).
   */
  async reservationState(now: Date): Promise<{ reserved: Set<string>; nextChange?: Date }> {
    const reserved = eq(reservations.status, ReservationStatus.Reserved);
    const [active, [starts], [ends]] = await Promise.all([
      this.db
        .select({ evseUid: reservations.evseUid })
        .from(reservations)
        .where(and(reserved, lte(reservations.startsAt, now), gt(reservations.endsAt, now))),
      this.db.select({ at: min(reservations.startsAt) }).from(reservations).where(and(reserved, gt(reservations.startsAt, now))),
      this.db.select({ at: min(reservations.endsAt) }).from(reservations).where(and(reserved, gt(reservations.endsAt, now))),
    ]);
    const changes = [starts?.at, ends?.at].filter((at): at is Date => at instanceof Date);
    return {
      reserved: new Set(active.map((row) => row.evseUid)),
      nextChange: changes.length > 0 ? new Date(Math.min(...changes.map((at) => at.getTime()))) : undefined,
    };
  }

  /**
   * Inserts the stations in one transaction when the database holds none. Replicas that start
   * together serialize on an advisory lock, so exactly one of them imports. Returns how many it inserted.
   */
  async importIfEmpty(stations: LocationDto[]): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${IMPORT_LOCK_KEY})`);
      const [{ n }] = await tx.select({ n: count() }).from(locations);
      if (n > 0) return 0;
      for (const chunk of chunks(stations, 200)) {
        await tx.insert(locations).values(chunk.map(toLocationRow));
        const evseRows = chunk.flatMap((station) => station.evses.map((evse, position) => toEvseRow(station.id, evse, position)));
        if (evseRows.length > 0) await tx.insert(evses).values(evseRows);
        const connectorRows = chunk.flatMap((station) =>
          station.evses.flatMap((evse) => evse.connectors.map((connector, position) => toConnectorRow(evse.uid, connector, position))),
        );
        if (connectorRows.length > 0) await tx.insert(connectors).values(connectorRows);
      }
      return stations.length;
    });
  }
}

type LocationRow = typeof locations.$inferSelect;
type EvseRow = typeof evses.$inferSelect;
type ConnectorRow = typeof connectors.$inferSelect;
type LocationDtoEvse = LocationDto['evses'][number];
type LocationDtoConnector = LocationDtoEvse['connectors'][number];

function toLocationRow(station: LocationDto): typeof locations.$inferInsert {
  return {
    id: station.id,
    countryCode: station.country_code,
    partyId: station.party_id,
    publish: station.publish,
    name: station.name ?? null,
    address: station.address,
    city: station.city,
    postalCode: station.postal_code ?? null,
    state: station.state ?? null,
    country: station.country,
    latitude: Number(station.coordinates.latitude),
    longitude: Number(station.coordinates.longitude),
    parkingType: station.parking_type ?? null,
    operator: station.operator ?? null,
    facilities: station.facilities ?? null,
    timeZone: station.time_zone,
    openingTimes: station.opening_times ?? null,
    lastUpdated: new Date(station.last_updated),
  };
}

function toEvseRow(locationId: string, evse: LocationDtoEvse, position: number): typeof evses.$inferInsert {
  return {
    uid: evse.uid,
    locationId,
    position,
    evseId: evse.evse_id ?? null,
    status: evse.status,
    capabilities: evse.capabilities ?? null,
    floorLevel: evse.floor_level ?? null,
    physicalReference: evse.physical_reference ?? null,
    lastUpdated: new Date(evse.last_updated),
  };
}

function toConnectorRow(evseUid: string, connector: LocationDtoConnector, position: number): typeof connectors.$inferInsert {
  return {
    evseUid,
    id: connector.id,
    position,
    standard: connector.standard,
    format: connector.format,
    powerType: connector.power_type,
    maxVoltage: connector.max_voltage,
    maxAmperage: connector.max_amperage,
    maxElectricPower: connector.max_electric_power ?? null,
    lastUpdated: new Date(connector.last_updated),
  };
}

function toLocationDto(row: LocationRow, evseRows: EvseRow[], connectorsByEvse: Map<string, ConnectorRow[]>): LocationDto {
  return withoutNulls({
    country_code: row.countryCode,
    party_id: row.partyId,
    id: row.id,
    publish: row.publish,
    name: row.name,
    address: row.address,
    city: row.city,
    postal_code: row.postalCode,
    state: row.state,
    country: row.country,
    coordinates: { latitude: formatCoordinate(row.latitude), longitude: formatCoordinate(row.longitude) },
    parking_type: row.parkingType,
    evses: evseRows.map((evse) =>
      withoutNulls({
        uid: evse.uid,
        evse_id: evse.evseId,
        status: evse.status,
        capabilities: evse.capabilities,
        connectors: (connectorsByEvse.get(evse.uid) ?? []).map((connector) =>
          withoutNulls({
            id: connector.id,
            standard: connector.standard,
            format: connector.format,
            power_type: connector.powerType,
            max_voltage: connector.maxVoltage,
            max_amperage: connector.maxAmperage,
            max_electric_power: connector.maxElectricPower,
            last_updated: connector.lastUpdated.toISOString(),
          }),
        ),
        floor_level: evse.floorLevel,
        physical_reference: evse.physicalReference,
        last_updated: evse.lastUpdated.toISOString(),
      }),
    ),
    operator: row.operator,
    facilities: row.facilities,
    time_zone: row.timeZone,
    opening_times: row.openingTimes,
    last_updated: row.lastUpdated.toISOString(),
  });
}

/** OCPI omits optional fields that have no value. */
function withoutNulls<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], null>;
  };
}

/** OCPI GeoLocation: a decimal string with 7 decimals (about 1 cm). */
export function formatCoordinate(value: number): string {
  return value.toFixed(7);
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
