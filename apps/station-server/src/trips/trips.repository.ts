import { Inject, Injectable } from '@nestjs/common';
import { ReservationStatus, type EvseStatus, type TripPlanDto } from '@app/shared';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { DATABASE } from '../database/database.module.js';
import type { Database } from '../database/database.js';
import { evses, reservations, trips } from '../database/schema.js';
import { LIVE, retryingVictims, takenWindow, type ReservationRow } from '../reservations/reservations.repository.js';

/** One stop to hold: its fixed reservation id, EVSE and window. */
export interface StopHold {
  id: string;
  stop: number;
  evseUid: string;
  locationId: string;
  connectorId: string | null;
  startsAt: Date;
  endsAt: Date;
}

/** Why an operator cannot hold a stop. */
export type HoldRefusal =
  | { kind: 'unknown-evse'; stop: StopHold }
  | { kind: 'out-of-service'; stop: StopHold; status: EvseStatus }
  | { kind: 'overlap'; stop: StopHold; startsAt: Date; endsAt: Date }
  | { kind: 'foreign-trip' };

export type HoldOutcome = { kind: 'held'; rows: ReservationRow[] } | HoldRefusal;

/** Leaves a transaction by rolling it back, carrying what the caller should answer. */
class Undo<T> extends Error {
  constructor(readonly outcome: T) {
    super('rolled back');
  }
}

/**
 * A trip's stops at this operator. Holding is all or nothing within the operator (one
 * transaction); the exclusion constraint refuses overlaps with any other live reservation.
 */
@Injectable()
export class TripsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async plan(tripId: string, driverId: string): Promise<TripPlanDto | undefined> {
    const [row] = await this.db
      .select({ plan: trips.plan })
      .from(trips)
      .where(and(eq(trips.id, tripId), eq(trips.driverId, driverId)));
    return row?.plan;
  }

  stops(tripId: string, driverId: string): Promise<ReservationRow[]> {
    return this.db
      .select()
      .from(reservations)
      .where(and(eq(reservations.tripId, tripId), eq(reservations.driverId, driverId)))
      .orderBy(asc(reservations.tripStop));
  }

  /**
   * Holds every stop PENDING until `holdSeconds` from now, or none. When the trip already has
   * stops here (a repeated command), they are returned as they are now, whatever their state.
   */
  async hold(
    trip: { id: string; driverId: string; plan: TripPlanDto; token: string },
    stops: readonly StopHold[],
    holdSeconds: number,
    refused: ReadonlySet<EvseStatus>,
  ): Promise<HoldOutcome> {
    try {
      return await retryingVictims(() => this.holdOnce(trip, stops, holdSeconds, refused));
    } catch (err) {
      if (err instanceof Undo) return err.outcome as HoldRefusal;
      throw err;
    }
  }

  private holdOnce(
    trip: { id: string; driverId: string; plan: TripPlanDto; token: string },
    stops: readonly StopHold[],
    holdSeconds: number,
    refused: ReadonlySet<EvseStatus>,
  ): Promise<HoldOutcome> {
    return this.db.transaction(async (tx) => {
      await tx.insert(trips).values({ id: trip.id, driverId: trip.driverId, plan: trip.plan }).onConflictDoNothing();
      const [owner] = await tx.select({ driverId: trips.driverId }).from(trips).where(eq(trips.id, trip.id)).for('update');
      if (owner?.driverId !== trip.driverId) throw new Undo<HoldRefusal>({ kind: 'foreign-trip' });
      const existing = await tx.select().from(reservations).where(eq(reservations.tripId, trip.id)).orderBy(asc(reservations.tripStop));
      if (existing.length > 0) return { kind: 'held', rows: existing };

      // One order for every transaction, so two trips holding the same EVSEs cannot deadlock.
      const ordered = [...stops].sort((a, b) => a.evseUid.localeCompare(b.evseUid) || a.startsAt.getTime() - b.startsAt.getTime());
      for (const stop of ordered) {
        const inserted = await tx.execute(sql`
          INSERT INTO ${reservations} (id, evse_uid, location_id, connector_id, token, driver_id, status, starts_at, ends_at, trip_id, trip_stop, hold_expires_at)
          SELECT ${stop.id}::text, uid, location_id, ${stop.connectorId}::text, ${trip.token}::text, ${trip.driverId}::text,
            ${ReservationStatus.Pending}::text, ${stop.startsAt.toISOString()}::timestamptz, ${stop.endsAt.toISOString()}::timestamptz,
            ${trip.id}::text, ${stop.stop}::int, now() + make_interval(secs => ${holdSeconds}::int)
          FROM ${evses}
          WHERE uid = ${stop.evseUid}::text AND location_id = ${stop.locationId}::text AND status NOT IN ${[...refused]}
          ON CONFLICT DO NOTHING
          RETURNING id`);
        if ((inserted as { rows: unknown[] }).rows.length === 0) throw new Undo(await this.refusal(tx, stop, refused));
      }
      const held = await tx.select().from(reservations).where(eq(reservations.tripId, trip.id)).orderBy(asc(reservations.tripStop));
      return { kind: 'held', rows: held };
    });
  }

  /** Why a stop could not be inserted: no such EVSE, one out of service, or a live reservation in its window. */
  private async refusal(tx: Pick<Database, 'select'>, stop: StopHold, refused: ReadonlySet<EvseStatus>): Promise<HoldRefusal> {
    const [evse] = await tx
      .select({ status: evses.status })
      .from(evses)
      .where(and(eq(evses.uid, stop.evseUid), eq(evses.locationId, stop.locationId)));
    if (!evse) return { kind: 'unknown-evse', stop };
    if (refused.has(evse.status)) return { kind: 'out-of-service', stop, status: evse.status };
    const taken = await takenWindow(tx, stop.evseUid, stop.startsAt, stop.endsAt);
    return { kind: 'overlap', stop, startsAt: taken?.startsAt ?? stop.startsAt, endsAt: taken?.endsAt ?? stop.endsAt };
  }

  /**
   * Confirms the trip's holds here when every listed stop is still held (or already confirmed);
   * otherwise changes nothing. Returns the stops as they are afterwards, and whether it confirmed.
   */
  async confirm(tripId: string, driverId: string, expected: readonly number[]): Promise<{ confirmed: boolean; rows: ReservationRow[] }> {
    try {
      return await this.db.transaction(async (tx) => {
        await tx
          .update(reservations)
          .set({ status: ReservationStatus.Reserved, lastUpdated: new Date() })
          .where(
            and(
              eq(reservations.tripId, tripId),
              eq(reservations.driverId, driverId),
              eq(reservations.status, ReservationStatus.Pending),
              sql`${reservations.holdExpiresAt} > now()`,
            ),
          );
        const rows = await tx
          .select()
          .from(reservations)
          .where(and(eq(reservations.tripId, tripId), eq(reservations.driverId, driverId)))
          .orderBy(asc(reservations.tripStop));
        const confirmed = new Set(rows.filter((row) => row.status === ReservationStatus.Reserved || row.status === ReservationStatus.Fulfilled).map((row) => row.tripStop));
        if (rows.length === 0 || !expected.every((stop) => confirmed.has(stop))) throw new Undo(undefined);
        return { confirmed: true, rows };
      });
    } catch (err) {
      if (!(err instanceof Undo)) throw err;
      return { confirmed: false, rows: await this.stops(tripId, driverId) };
    }
  }

  /** Releases the trip's live stops here: FAILED when its booking is abandoned, CANCELED when the driver cancels. */
  async release(tripId: string, driverId: string, status: ReservationStatus.Failed | ReservationStatus.Canceled): Promise<{ released: number; rows: ReservationRow[] }> {
    const released = await this.db
      .update(reservations)
      .set({ status, lastUpdated: new Date() })
      .where(and(eq(reservations.tripId, tripId), eq(reservations.driverId, driverId), inArray(reservations.status, LIVE)))
      .returning({ id: reservations.id });
    return { released: released.length, rows: await this.stops(tripId, driverId) };
  }
}
