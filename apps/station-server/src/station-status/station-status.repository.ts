import { Inject, Injectable } from '@nestjs/common';
import { EvseStatus, ReservationStatus, type ChargerStatus } from '@app/shared';
import { sql } from 'drizzle-orm';
import { DATABASE } from '../database/database.module.js';
import type { Database } from '../database/database.js';
import { evses, evseStatusHistory, locations, reservations } from '../database/schema.js';

export interface StatusChange {
  stationId: string;
  evseUid: string;
  status: EvseStatus;
  chargerStatus: ChargerStatus;
  connectorId?: string;
  at: Date;
}

/** What became of a status notification. */
export type StatusOutcome = 'applied' | 'stale' | 'unknown';

type Rows<T> = { rows: T[] };

/** EVSE statuses as chargers report them, with their history. */
@Injectable()
export class StationStatusRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * Stores the EVSE's new status and a history row in one statement, unless the stored status is
   * as new or newer (an old or repeated notification changes nothing).
   */
  async apply(change: StatusChange): Promise<StatusOutcome> {
    const at = change.at.toISOString();
    const result = await this.db.execute<{ applied: number }>(sql`
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
      select count(*)::int as applied from updated`);
    if (Number((result as Rows<{ applied: number }>).rows[0]?.applied) > 0) return 'applied';
    const known = await this.db.execute(sql`
      select 1 from ${evses} where uid = ${change.evseUid} and location_id = ${change.stationId}`);
    return (known as Rows<unknown>).rows.length > 0 ? 'stale' : 'unknown';
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
