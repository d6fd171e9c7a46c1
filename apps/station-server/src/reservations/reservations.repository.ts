import { Inject, Injectable } from '@nestjs/common';
import { ReservationStatus, type EvseStatus, type ReservationConflict, type WireError } from '@app/shared';
import { and, asc, eq, getTableColumns, gt, inArray, lt, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { DATABASE } from '../database/database.module.js';
import { executePrepared, type Database } from '../database/database.js';
import { evses, idempotencyKeys, reservations } from '../database/schema.js';

export type ReservationRow = typeof reservations.$inferSelect;
/** A new reservation always names its driver (the column is nullable only for rows older than driver identity). */
type NewReservation = typeof reservations.$inferInsert & { driverId: string };

/** The first outcome stored for an idempotency key. */
export type Outcome = { reservation: ReservationRow } | { conflict: ReservationConflict };

/** What a booking found: the outcome stored for its key, an EVSE it cannot book, or its own outcome. */
export type Booking =
  | { kind: 'replayed'; requestHash: string; outcome: Outcome }
  | { kind: 'unknown-evse' }
  | { kind: 'out-of-service'; status: EvseStatus }
  | { kind: 'decided'; outcome: Outcome };

/** The booking statement's single row; rows arrive as JSON (column names, timestamps as text). */
interface BookingRow {
  stored: { request_hash: string; error: WireError | null; reservation: Record<string, unknown> | null } | null;
  evse_status: EvseStatus | null;
  inserted: Record<string, unknown> | null;
}

const RESERVATION_COLUMNS = Object.entries(getTableColumns(reservations));

/** A reservation row from its JSON form, each value mapped as Drizzle maps the column's driver value. */
function fromJson(json: Record<string, unknown>): ReservationRow {
  const row: Record<string, unknown> = {};
  for (const [field, column] of RESERVATION_COLUMNS) {
    const value = json[column.name];
    row[field] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as ReservationRow;
}

function storedOutcome(reservation: Record<string, unknown> | null, error: WireError | null): Outcome {
  if (reservation) return { reservation: fromJson(reservation) };
  return { conflict: (error as WireError).details as ReservationConflict };
}

/** States that hold their window: the exclusion constraint covers these. */
export const LIVE = [ReservationStatus.Pending, ReservationStatus.Reserved];
const UNIQUE_VIOLATION = '23505';
/** A deadlock or serialization victim is rolled back whole and can simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 5;

/** Runs a statement or transaction again when the database picked it as a deadlock or serialization victim. */
export async function retryingVictims<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      // The other transaction has finished, so the next attempt sees its rows.
      if (attempt >= ATTEMPTS || !RETRYABLE.has(sqlState(err) ?? '')) throw err;
    }
  }
}

/** Reservations in the operator's database. Overlaps are refused by the database itself. */
@Injectable()
export class ReservationsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async findById(id: string): Promise<ReservationRow | undefined> {
    const [row] = await this.db.select().from(reservations).where(eq(reservations.id, id));
    return row;
  }

  /** The reservation when it belongs to the driver; another driver's is as absent as an unknown id. */
  async findOwned(id: string, driverId: string): Promise<ReservationRow | undefined> {
    const [row] = await this.db
      .select()
      .from(reservations)
      .where(and(eq(reservations.id, id), eq(reservations.driverId, driverId)));
    return row;
  }

  listByDriver(driverId: string, token?: string): Promise<ReservationRow[]> {
    const owned = eq(reservations.driverId, driverId);
    return this.db
      .select()
      .from(reservations)
      .where(token === undefined ? owned : and(owned, eq(reservations.token, token)))
      .orderBy(asc(reservations.startsAt));
  }

  /** The outcome stored for a driver's key, with the hash of the request that stored it. */
  /** The outcome stored under a key (already scoped to its driver with {@link driverScopedKey}). */
  async findOutcome(token: string, key: string): Promise<{ requestHash: string; outcome: Outcome } | undefined> {
    const [row] = await this.db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.token, token), eq(idempotencyKeys.key, key)));
    if (!row) return undefined;
    const reservation = row.reservationId ? await this.findById(row.reservationId) : undefined;
    if (reservation) return { requestHash: row.requestHash, outcome: { reservation } };
    return { requestHash: row.requestHash, outcome: storedOutcome(null, row.error) };
  }

  /**
   * Books in one statement on the usual path: replays the outcome stored for the key, or checks the
   * EVSE and inserts the reservation together with its key. An overlap is refused by the exclusion
   * constraint (ON CONFLICT DO NOTHING turns the refusal into no row); it is then stored as a
   * conflict. When another request with the same key won a race, its outcome is returned.
   */
  book(reservation: NewReservation, key: string, requestHash: string, refused: ReadonlySet<EvseStatus>): Promise<Booking> {
    return retryingVictims(() => this.bookOnce(reservation, key, requestHash, refused));
  }

  private async bookOnce(wanted: NewReservation, key: string, requestHash: string, refused: ReadonlySet<EvseStatus>): Promise<Booking> {
    let row: BookingRow;
    try {
      [row] = await executePrepared<BookingRow>(this.db, 'reservations_book', sql`
        WITH stored AS (
          SELECT k.request_hash, k.error, to_jsonb(r) AS reservation
          FROM ${idempotencyKeys} k LEFT JOIN ${reservations} r ON r.id = k.reservation_id
          WHERE k.token = ${wanted.token}::text AND k.key = ${key}::text
        ),
        evse AS (
          SELECT status FROM ${evses} WHERE uid = ${wanted.evseUid}::text AND location_id = ${wanted.locationId}::text
        ),
        inserted AS (
          INSERT INTO ${reservations} (id, evse_uid, location_id, connector_id, token, driver_id, status, starts_at, ends_at)
          SELECT ${wanted.id}::text, ${wanted.evseUid}::text, ${wanted.locationId}::text, ${wanted.connectorId ?? null}::text,
            ${wanted.token}::text, ${wanted.driverId ?? null}::text, ${wanted.status}::text,
            ${wanted.startsAt.toISOString()}::timestamptz, ${wanted.endsAt.toISOString()}::timestamptz
          FROM evse
          WHERE NOT EXISTS (SELECT 1 FROM stored) AND evse.status NOT IN ${[...refused]}
          ON CONFLICT DO NOTHING
          RETURNING *
        ),
        recorded AS (
          INSERT INTO ${idempotencyKeys} (token, key, request_hash, reservation_id)
          SELECT token, ${key}::text, ${requestHash}::text, id FROM inserted
        )
        SELECT (SELECT to_jsonb(s) FROM stored s) AS stored,
          (SELECT status FROM evse) AS evse_status,
          (SELECT to_jsonb(i) FROM inserted i) AS inserted`);
    } catch (err) {
      // Another request with this key inserted its reservation and key first: ours was rolled back.
      if (sqlState(err) !== UNIQUE_VIOLATION) throw err;
      return this.replayOrThrow(wanted.token, key, err);
    }
    if (row.stored) {
      const { request_hash: storedHash, error, reservation } = row.stored;
      return { kind: 'replayed', requestHash: storedHash, outcome: storedOutcome(reservation, error) };
    }
    if (!row.evse_status) return { kind: 'unknown-evse' };
    if (refused.has(row.evse_status)) return { kind: 'out-of-service', status: row.evse_status };
    if (row.inserted) return { kind: 'decided', outcome: { reservation: fromJson(row.inserted) } };
    return this.recordConflict(wanted, key, requestHash);
  }

  /** Stores the refusal of an overlapping booking under its key (the rarer path: a few statements). */
  private async recordConflict(wanted: NewReservation, key: string, requestHash: string): Promise<Booking> {
    const conflict = await this.findConflict(this.db, wanted);
    const [recorded] = await this.db
      .insert(idempotencyKeys)
      .values({ token: wanted.token, key, requestHash, reservationId: null, error: { code: 'CONFLICT', message: 'overlap', details: conflict } })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (recorded) return { kind: 'decided', outcome: { conflict } };
    return this.replayOrThrow(wanted.token, key, new Error(`Idempotency key ${key} is taken but holds no outcome`));
  }

  private async replayOrThrow(token: string, key: string, err: unknown): Promise<Booking> {
    const stored = await this.findOutcome(token, key);
    if (!stored) throw err;
    return { kind: 'replayed', ...stored };
  }

  /** Cancels a live reservation of the driver; returns the row as it is afterwards (undefined when unknown or another driver's). */
  async cancel(id: string, driverId: string): Promise<ReservationRow | undefined> {
    const [row] = await this.db
      .update(reservations)
      .set({ status: ReservationStatus.Canceled, lastUpdated: new Date() })
      .where(and(eq(reservations.id, id), eq(reservations.driverId, driverId), inArray(reservations.status, LIVE)))
      .returning();
    return row ?? this.findOwned(id, driverId);
  }

  /**
   * Marks reservations whose window has passed as NO_SHOW. Rows locked by another replica's sweep
   * are skipped, so each is processed once. Returns the EVSEs it freed.
   */
  sweepExpired(limit = 500): Promise<string[]> {
    return this.markPast(ReservationStatus.Reserved, reservations.endsAt, ReservationStatus.NoShow, limit);
  }

  /**
   * Marks PENDING holds whose time ran out (a trip whose booking never completed) as FAILED,
   * which frees their EVSEs. Returns the EVSEs it freed.
   */
  lapseHolds(limit = 500): Promise<string[]> {
    return this.markPast(ReservationStatus.Pending, reservations.holdExpiresAt, ReservationStatus.Failed, limit);
  }

  /** Moves up to `limit` reservations in state `from` whose `deadline` has passed to `to`, skipping rows another replica holds. */
  private async markPast(from: ReservationStatus, deadline: AnyPgColumn, to: ReservationStatus, limit: number): Promise<string[]> {
    const result = await this.db.execute<{ evse_uid: string }>(sql`
      UPDATE ${reservations} SET status = ${to}, last_updated = now()
      WHERE id IN (
        SELECT id FROM ${reservations}
        WHERE status = ${from} AND ${deadline} <= now()
        ORDER BY ${deadline}
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING evse_uid`);
    return (result as { rows: Array<{ evse_uid: string }> }).rows.map((row) => row.evse_uid);
  }

  private async findConflict(tx: Pick<Database, 'select'>, wanted: NewReservation): Promise<ReservationConflict> {
    const taken = await takenWindow(tx, wanted.evseUid, wanted.startsAt, wanted.endsAt);
    return {
      evse_uid: wanted.evseUid,
      starts_at: (taken?.startsAt ?? wanted.startsAt).toISOString(),
      ends_at: (taken?.endsAt ?? wanted.endsAt).toISOString(),
    };
  }
}

/** A live reservation of the EVSE whose window overlaps [startsAt, endsAt), if any: what refused a booking. */
export async function takenWindow(
  tx: Pick<Database, 'select'>,
  evseUid: string,
  startsAt: Date,
  endsAt: Date,
): Promise<{ startsAt: Date; endsAt: Date } | undefined> {
  const [row] = await tx
    .select({ startsAt: reservations.startsAt, endsAt: reservations.endsAt })
    .from(reservations)
    .where(and(eq(reservations.evseUid, evseUid), inArray(reservations.status, LIVE), lt(reservations.startsAt, endsAt), gt(reservations.endsAt, startsAt)))
    .limit(1);
  return row;
}

/**
 * Idempotency keys are scoped by driver and charging token. The table's primary key is
 * (token, key), so the driver travels inside the stored key: the same key of two drivers is two keys.
 */
export function driverScopedKey(driverId: string, key: string): string {
  return JSON.stringify([driverId, key]);
}

/** SQLSTATE of a driver error; Drizzle keeps the driver's error in `cause`. */
export function sqlState(err: unknown): string | undefined {
  const error = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = error?.cause?.code ?? error?.code;
  return typeof code === 'string' ? code : undefined;
}
