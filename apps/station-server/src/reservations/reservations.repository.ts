import { Inject, Injectable } from '@nestjs/common';
import { ReservationStatus, type ReservationConflict, type WireError } from '@app/shared';
import { and, asc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import { DATABASE } from '../database/database.module.js';
import type { Database } from '../database/database.js';
import { evses, idempotencyKeys, reservations } from '../database/schema.js';

export type ReservationRow = typeof reservations.$inferSelect;
type NewReservation = typeof reservations.$inferInsert;

/** The first outcome stored for an idempotency key. */
export type Outcome = { reservation: ReservationRow } | { conflict: ReservationConflict };

const LIVE = [ReservationStatus.Pending, ReservationStatus.Reserved];
const EXCLUSION_VIOLATION = '23P01';
const UNIQUE_VIOLATION = '23505';
/** Two inserts that conflict through the exclusion constraint can each wait for the other: PostgreSQL aborts one. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 5;

/** Reservations in the operator's database. Overlaps are refused by the database itself. */
@Injectable()
export class ReservationsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async findEvse(stationId: string, evseUid: string) {
    const [evse] = await this.db
      .select({ uid: evses.uid, status: evses.status })
      .from(evses)
      .where(and(eq(evses.uid, evseUid), eq(evses.locationId, stationId)));
    return evse;
  }

  async findById(id: string): Promise<ReservationRow | undefined> {
    const [row] = await this.db.select().from(reservations).where(eq(reservations.id, id));
    return row;
  }

  listByToken(token: string): Promise<ReservationRow[]> {
    return this.db.select().from(reservations).where(eq(reservations.token, token)).orderBy(asc(reservations.startsAt));
  }

  /** The outcome stored for a key, with the hash of the request that stored it. */
  async findOutcome(token: string, key: string): Promise<{ requestHash: string; outcome: Outcome } | undefined> {
    const [row] = await this.db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.token, token), eq(idempotencyKeys.key, key)));
    if (!row) return undefined;
    if (row.reservationId) {
      const reservation = await this.findById(row.reservationId);
      if (reservation) return { requestHash: row.requestHash, outcome: { reservation } };
    }
    return { requestHash: row.requestHash, outcome: { conflict: (row.error as WireError).details as ReservationConflict } };
  }

  /**
   * Inserts the reservation and stores the outcome under its idempotency key, in one transaction.
   * An overlap is refused by the exclusion constraint and stored as a conflict; when another
   * request with the same key won the race, its outcome is returned instead.
   */
  async create(reservation: NewReservation, key: string, requestHash: string): Promise<Outcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.createOnce(reservation, key, requestHash);
      } catch (err) {
        // A deadlock victim tries again: the other transaction has finished, so it sees its row.
        if (attempt >= ATTEMPTS || !RETRYABLE.has(sqlState(err) ?? '')) throw err;
      }
    }
  }

  private async createOnce(reservation: NewReservation, key: string, requestHash: string): Promise<Outcome> {
    try {
      return await this.db.transaction(async (tx) => {
        let outcome: Outcome;
        try {
          const [row] = await tx.transaction((savepoint) => savepoint.insert(reservations).values(reservation).returning());
          outcome = { reservation: row };
        } catch (err) {
          if (sqlState(err) !== EXCLUSION_VIOLATION) throw err;
          outcome = { conflict: await this.findConflict(tx, reservation) };
        }
        await tx.insert(idempotencyKeys).values({
          token: reservation.token,
          key,
          requestHash,
          reservationId: 'reservation' in outcome ? outcome.reservation.id : null,
          error: 'conflict' in outcome ? { code: 'CONFLICT', message: 'overlap', details: outcome.conflict } : null,
        });
        return outcome;
      });
    } catch (err) {
      if (sqlState(err) !== UNIQUE_VIOLATION) throw err;
      const stored = await this.findOutcome(reservation.token, key);
      if (!stored) throw err;
      return stored.outcome;
    }
  }

  /** Cancels a live reservation; returns the row as it is afterwards (undefined when unknown). */
  async cancel(id: string): Promise<ReservationRow | undefined> {
    const [row] = await this.db
      .update(reservations)
      .set({ status: ReservationStatus.Canceled, lastUpdated: new Date() })
      .where(and(eq(reservations.id, id), inArray(reservations.status, LIVE)))
      .returning();
    return row ?? this.findById(id);
  }

  /**
   * Marks reservations whose window has passed as NO_SHOW. Rows locked by another replica's sweep
   * are skipped, so each is processed once. Returns the EVSEs it freed.
   */
  async sweepExpired(limit = 500): Promise<string[]> {
    const result = await this.db.execute<{ evse_uid: string }>(sql`
      UPDATE ${reservations} SET status = ${ReservationStatus.NoShow}, last_updated = now()
      WHERE id IN (
        SELECT id FROM ${reservations}
        WHERE status = ${ReservationStatus.Reserved} AND ends_at <= now()
        ORDER BY ends_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING evse_uid`);
    return (result as { rows: Array<{ evse_uid: string }> }).rows.map((row) => row.evse_uid);
  }

  private async findConflict(tx: Pick<Database, 'select'>, wanted: NewReservation): Promise<ReservationConflict> {
    const [row] = await tx
      .select({ startsAt: reservations.startsAt, endsAt: reservations.endsAt })
      .from(reservations)
      .where(
        and(
          eq(reservations.evseUid, wanted.evseUid),
          inArray(reservations.status, LIVE),
          lt(reservations.startsAt, wanted.endsAt),
          gt(reservations.endsAt, wanted.startsAt),
        ),
      )
      .limit(1);
    return {
      evse_uid: wanted.evseUid,
      starts_at: (row?.startsAt ?? wanted.startsAt).toISOString(),
      ends_at: (row?.endsAt ?? wanted.endsAt).toISOString(),
    };
  }
}

/** SQLSTATE of a driver error; Drizzle keeps the driver's error in `cause`. */
export function sqlState(err: unknown): string | undefined {
  const error = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = error?.cause?.code ?? error?.code;
  return typeof code === 'string' ? code : undefined;
}
