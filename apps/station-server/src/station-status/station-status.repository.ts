import { Inject, Injectable } from '@nestjs/common';
import { EvseStatus, ReservationStatus, type ChargerStatus, type GeoLocationDto } from '@app/shared';
import { sql } from 'drizzle-orm';
import { DATABASE } from '../database/database.module.js';
import type { Database } from '../database/database.js';
import { evses, evseStatusHistory, locations, reservations } from '../database/schema.js';
import { formatCoordinate } from '../stations/stations.repository.js';

export interface StatusChange {
  stationId: string;
  evseUid: string;
  status: EvseStatus;
  chargerStatus: ChargerStatus;
  connectorId?: string;
  at: Date;
}

/** What became of a status notification; an applied one comes with what its event needs. */
export type StatusOutcome =
  | { outcome: 'applied'; reservedNow: boolean; published: boolean; coordinates: GeoLocationDto }
  | { outcome: 'stale' | 'unknown' };

type Rows<T> = { rows: T[] };
type AppliedRow = { publish: boolean; latitude: number | string; longitude: number | string; reserved_now: boolean };

/** EVSE statuses as chargers report them, with their history. */
@Injectable()
export class StationStatusRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * Stores the EVSE's new status and a history row in one statement, unless the stored status is
   * as new or newer (an old or repeated notification changes nothing). The same statement reads
   * what the change's event needs: whether a reservation holds the EVSE now, and where the station is.
   */
  async apply(change: StatusChange): Promise<StatusOutcome> {
    const at = change.at.toISOString();
    const result = await this.db.execute<AppliedRow>(sql`
      with updated as (
        update ${evses} set status = ${change.status}, last_updated = ${at}::timestamptz
        where uid = ${change.evseUid} and location_id = ${change.stationId} and last_updated < ${at}::timestamptz
        returning uid, location_id
      ), history as (
        insert into ${evseStatusHistory} (evse_uid, location_id, status, reported_status, connector_id, occurred_at)
        select uid, location_id, ${change.status}, ${change.chargerStatus}, ${change.connectorId ?? null}, ${at}::timestamptz from updated
      ), station as (
        update ${locations} set last_updated = greatest(last_updated, ${at}::timestamptz)
        where id in (select location_id from updated)
      )
      select l.publish, l.latitude, l.longitude,
        exists (select 1 from ${reservations} r where r.evse_uid = u.uid and r.status = ${ReservationStatus.Reserved}
          and r.starts_at <= now() and r.ends_at > now()) as reserved_now
      from updated u join ${locations} l on l.id = u.location_id`);
    const [row] = (result as Rows<AppliedRow>).rows;
    if (row) {
      return {
        outcome: 'applied',
        reservedNow: row.reserved_now,
        published: row.publish,
        coordinates: { latitude: formatCoordinate(Number(row.latitude)), longitude: formatCoordinate(Number(row.longitude)) },
      };
    }
    const known = await this.db.execute(sql`
      select 1 from ${evses} where uid = ${change.evseUid} and location_id = ${change.stationId}`);
    return { outcome: (known as Rows<unknown>).rows.length > 0 ? 'stale' : 'unknown' };
  }

  /** A charge began on the EVSE: the reservation whose window holds that moment is FULFILLED. */
  async fulfil(evseUid: string, at: Date): Promise<string[]> {
    const result = await this.db.execute<{ id: string }>(sql`
      update ${reservations} set status = ${ReservationStatus.Fulfilled}, last_updated = now()
      where evse_uid = ${evseUid} and status = ${ReservationStatus.Reserved}
        and starts_at <= ${at.toISOString()}::timestamptz and ends_at > ${at.toISOString()}::timestamptz
      returning id`);
    return (result as Rows<{ id: string }>).rows.map((row) => row.id);
  }
}
