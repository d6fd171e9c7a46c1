import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { EvseStatus, ReservationStatus } from '../enums/ocpi.enums.js';
import { TOPIC_SAFE, TOPIC_SAFE_MESSAGE } from '../mqtt/topics.js';

/** RFC 3339 date-time (the profile of ISO 8601 that every parser reads the same way). */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** EVSE statuses that cannot be booked: operators refuse them, and trip plans never pick them. */
export const OUT_OF_SERVICE: ReadonlySet<EvseStatus> = new Set([EvseStatus.OutOfOrder, EvseStatus.Inoperative, EvseStatus.Removed, EvseStatus.Blocked, EvseStatus.Planned]);

/** How far in the past a reservation window may start (clock skew, slow delivery); operators refuse earlier ones. */
export const WINDOW_PAST_TOLERANCE_MS = 60_000;

export const RFC3339_MESSAGE = 'must be an RFC 3339 date-time such as 2026-11-27T15:00:00Z';

/** Book one EVSE for a time window (sent to the owning operator). */
export class CreateReservationDto {
  /** The station (OCPI Location id). */
  @ApiProperty({ example: 'FSA-001' })
  @IsString()
  @Length(1, 36)
  @Matches(TOPIC_SAFE, { message: `station_id ${TOPIC_SAFE_MESSAGE}` })
  station_id!: string;

  @ApiProperty({ example: 'FSA-001-E1' })
  @IsString()
  @Length(1, 36)
  @Matches(TOPIC_SAFE, { message: `evse_uid ${TOPIC_SAFE_MESSAGE}` })
  evse_uid!: string;

  @ApiPropertyOptional({ example: '1' })
  @IsOptional()
  @IsString()
  @Length(1, 36)
  @Matches(TOPIC_SAFE, { message: `connector_id ${TOPIC_SAFE_MESSAGE}` })
  connector_id?: string;

  /** Start of the window (RFC 3339); now when omitted. */
  @ApiPropertyOptional({ example: '2026-11-27T15:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(RFC3339, { message: `starts_at ${RFC3339_MESSAGE}` })
  starts_at?: string;

  /** End of the window (RFC 3339); give this or duration_minutes. */
  @ApiPropertyOptional({ example: '2026-11-27T15:45:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(RFC3339, { message: `ends_at ${RFC3339_MESSAGE}` })
  ends_at?: string;

  /** Length of the window in minutes, when ends_at is not given (default 30). */
  @ApiPropertyOptional({ example: 45, minimum: 1, maximum: 1440 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1440)
  duration_minutes?: number;

  /** The charging token the driver will use at the EVSE (e.g. an RFID or app token uid); the list can be filtered by it. Not the driver's identity: that is the access token's subject. */
  @ApiProperty({ example: 'driver-4711' })
  @IsString()
  @Length(1, 64)
  @Matches(TOPIC_SAFE, { message: `token ${TOPIC_SAFE_MESSAGE}` })
  token!: string;
}

/** The command on the wire: the booking plus the key that makes a retry safe. */
export class CreateReservationCommandDto extends CreateReservationDto {
  /** Idempotency-Key of the HTTP request, or the command id when none was given. */
  @IsString()
  @Length(1, 100)
  idempotency_key!: string;
}

export class ReservationIdDto {
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,100}$/)
  id!: string;
}

/** The driver comes from the access token; the charging token narrows the list when given. */
export class ListReservationsDto {
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(TOPIC_SAFE, { message: `token ${TOPIC_SAFE_MESSAGE}` })
  token?: string;
}

/** A reservation of one EVSE for a time window. */
export class ReservationDto {
  /** `<operator id>-<uuid>`: the operator that holds it is part of the id. */
  @ApiProperty({ example: 'BR-FSA-3f1c2a1e-3b7d-4f7e-9b7a-0d3c7e1f2a4b' })
  id!: string;

  @ApiProperty({ example: 'BR-FSA' })
  operator_id!: string;

  @ApiProperty({ example: 'FSA-001' })
  station_id!: string;

  @ApiProperty({ example: 'FSA-001-E1' })
  evse_uid!: string;

  @ApiPropertyOptional({ example: '1' })
  connector_id?: string;

  @ApiProperty({ example: 'driver-4711' })
  token!: string;

  @ApiProperty({ enum: ReservationStatus, enumName: 'ReservationStatus', example: ReservationStatus.Reserved })
  @IsEnum(ReservationStatus)
  status!: ReservationStatus;

  @ApiProperty({ example: '2026-11-27T15:00:00.000Z' })
  starts_at!: string;

  @ApiProperty({ example: '2026-11-27T15:45:00.000Z' })
  ends_at!: string;

  @ApiProperty({ example: '2026-11-27T14:58:12.345Z' })
  created_at!: string;

  /** The trip this reservation is a stop of (`POST /viagens`), if any. */
  @ApiPropertyOptional({ example: '0f8fad5b-d9cb-469f-a165-70867728950e' })
  trip_id?: string;

  /** The stop's number in its trip, from 0. */
  @ApiPropertyOptional({ example: 0 })
  trip_stop?: number;

  /** While PENDING: when the hold lapses by itself unless confirmed. */
  @ApiPropertyOptional({ example: '2026-11-27T14:58:42.345Z' })
  hold_expires_at?: string;

  @ApiProperty({ example: '2026-11-27T14:58:12.345Z' })
  last_updated!: string;
}

/** Details of a 409: the window that is already taken. */
export interface ReservationConflict {
  evse_uid: string;
  starts_at: string;
  ends_at: string;
}
