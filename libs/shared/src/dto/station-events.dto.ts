import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsOptional, IsString, Length, Matches } from 'class-validator';
import { EvseStatus } from '../enums/ocpi.enums.js';
import { ChargerStatus } from '../enums/ocpp.enums.js';
import { TOPIC_SAFE, TOPIC_SAFE_MESSAGE } from '../mqtt/topics.js';
import { GeoLocationDto } from './location.dto.js';
import { RFC3339, RFC3339_MESSAGE } from './reservation.dto.js';

/**
 * A charger's status notification on `Topics.evseStatus` (like OCPP StatusNotification; the
 * station and EVSE are named by the topic).
 */
export class StatusNotificationDto {
  /** OCPP 1.6 ChargePointStatus or OCPP 2.0.1 ConnectorStatus. */
  @IsEnum(ChargerStatus)
  status!: ChargerStatus;

  /** When the status changed, by the charger's clock (RFC 3339). */
  @IsString()
  @Matches(RFC3339, { message: `timestamp ${RFC3339_MESSAGE}` })
  timestamp!: string;

  /** The connector that changed, when the charger names one (OCPP sends an integer). */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'number' && Number.isInteger(value) ? String(value) : value))
  @IsString()
  @Length(1, 36)
  @Matches(TOPIC_SAFE, { message: `connector_id ${TOPIC_SAFE_MESSAGE}` })
  connector_id?: string;
}

/** What changed a station's EVSE: a charger's notification, or a reservation that began or ended. */
export enum StationEventCause {
  Status = 'status',
  Reservation = 'reservation',
}

/** A normalized status change, published on `Topics.stationEvents`. */
export class StationEventDto {
  @ApiProperty({ example: 'BR-FSA' })
  operator_id!: string;

  @ApiProperty({ example: 'FSA-001' })
  station_id!: string;

  @ApiProperty({ example: 'FSA-001-E1' })
  evse_uid!: string;

  /** The EVSE's status as search shows it now (RESERVED while a reservation holds it). */
  @ApiProperty({ enum: EvseStatus, example: EvseStatus.Charging })
  status!: EvseStatus;

  /** The charger's own status, when a notification caused the change. */
  @ApiPropertyOptional({ enum: ChargerStatus, example: ChargerStatus.Charging })
  charger_status?: ChargerStatus;

  @ApiPropertyOptional({ example: '1' })
  connector_id?: string;

  @ApiProperty({ enum: StationEventCause, example: StationEventCause.Status })
  cause!: StationEventCause;

  /** When the change happened (RFC 3339). */
  @ApiProperty({ example: '2026-11-27T15:04:05Z' })
  last_updated!: string;

  /** Where the station is, so a client can follow a map area. */
  @ApiProperty({ type: GeoLocationDto })
  coordinates!: GeoLocationDto;
}

const EVSE_STATUSES = new Set<string>(Object.values(EvseStatus));

/** True for a well-formed station event (gateways read them from a topic anyone with access could write). */
export function isStationEvent(value: unknown): value is StationEventDto {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  const coordinates = event.coordinates as Record<string, unknown> | null | undefined;
  return (
    typeof event.operator_id === 'string' &&
    typeof event.station_id === 'string' &&
    typeof event.evse_uid === 'string' &&
    typeof event.status === 'string' &&
    EVSE_STATUSES.has(event.status) &&
    typeof event.last_updated === 'string' &&
    typeof coordinates === 'object' &&
    coordinates !== null &&
    typeof coordinates.latitude === 'string' &&
    typeof coordinates.longitude === 'string'
  );
}
