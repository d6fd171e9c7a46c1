import { createHash } from 'node:crypto';
import { ApiProperty, ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEnum,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { ConnectorType } from '../enums/ocpi.enums.js';
import { CreateReservationDto, ReservationDto, RFC3339, RFC3339_MESSAGE } from './reservation.dto.js';

/** Most stops one trip may book. */
export const MAX_TRIP_STOPS = 20;
/** Longest hold a server grants a trip's stops before they expire by themselves. */
export const MAX_TRIP_HOLD_SECONDS = 600;

/** A point on the map, in decimal degrees (WGS 84). */
export class GeoPointDto {
  @ApiProperty({ example: -12.9714, minimum: -90, maximum: 90 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude!: number;

  @ApiProperty({ example: -38.5014, minimum: -180, maximum: 180 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude!: number;
}

/** The vehicle a trip is planned for. */
export class TripVehicleDto {
  /** Usable range on a full battery, in km. */
  @ApiProperty({ example: 420, minimum: 20, maximum: 2000 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(20)
  @Max(2000)
  range_km!: number;

  /** Connector standards the vehicle can charge with (OCPI ConnectorType). */
  @ApiProperty({ enum: ConnectorType, enumName: 'ConnectorType', isArray: true, example: [ConnectorType.IEC_62196_T2_COMBO, ConnectorType.IEC_62196_T2] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsEnum(ConnectorType, { each: true })
  connectors!: ConnectorType[];

  /** The most power the vehicle accepts, in kW. */
  @ApiProperty({ example: 150, minimum: 1, maximum: 1000 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(1000)
  max_power_kw!: number;

  /** State of charge at departure, in percent. */
  @ApiProperty({ example: 60, minimum: 0, maximum: 100 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  soc_percent!: number;

  /** Energy used per 100 km, in kWh (default 18): sizes the battery and the charging times. */
  @ApiPropertyOptional({ example: 18, minimum: 5, maximum: 100 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(5)
  @Max(100)
  consumption_kwh_per_100km?: number;
}

/** One planned stop: where, which EVSE, and the window booked for it. */
export class TripStopPlanDto {
  /** Position in the trip, from 0. */
  @ApiProperty({ example: 0 })
  stop!: number;

  @ApiProperty({ example: 'BR-FSA' })
  operator_id!: string;

  @ApiProperty({ example: 'FSA-001' })
  station_id!: string;

  @ApiPropertyOptional({ example: 'Posto Feira Centro' })
  station_name?: string;

  @ApiProperty({ example: 'FSA-001-E2' })
  evse_uid!: string;

  @ApiProperty({ example: '1' })
  connector_id!: string;

  @ApiProperty({ example: -12.2581 })
  latitude!: number;

  @ApiProperty({ example: -38.9593 })
  longitude!: number;

  /** Distance along the route from the origin to the point nearest the station, in km. */
  @ApiProperty({ example: 93.4 })
  along_km!: number;

  /** Distance from the route to the station, in km (one way). */
  @ApiProperty({ example: 0.8 })
  detour_km!: number;

  /** Distance driven from the previous stop (or the origin), in km. */
  @ApiProperty({ example: 94.2 })
  leg_km!: number;

  @ApiProperty({ example: '2026-11-28T09:11:00.000Z' })
  arrival_at!: string;

  @ApiProperty({ example: 37.6 })
  arrival_soc_percent!: number;

  @ApiProperty({ example: 94 })
  departure_soc_percent!: number;

  @ApiProperty({ example: 42.6 })
  charge_kwh!: number;

  @ApiProperty({ example: 150 })
  power_kw!: number;

  @ApiProperty({ example: 18 })
  charge_minutes!: number;

  @ApiProperty({ example: '2026-11-28T09:29:00.000Z' })
  departure_at!: string;

  /** The reservation window: from a little before the arrival to a little after the charge should end. */
  @ApiProperty({ example: '2026-11-28T09:01:00.000Z' })
  starts_at!: string;

  @ApiProperty({ example: '2026-11-28T09:40:00.000Z' })
  ends_at!: string;
}

/**
 * A trip as planned: the request, the route's figures and the stops. Every operator that holds
 * one of its stops keeps a copy, so any gateway can show the trip later.
 */
export class TripPlanDto {
  @ApiProperty({ type: GeoPointDto })
  origin!: GeoPointDto;

  @ApiProperty({ type: GeoPointDto })
  destination!: GeoPointDto;

  @ApiProperty({ type: [GeoPointDto] })
  waypoints!: GeoPointDto[];

  @ApiProperty({ example: '2026-11-28T08:00:00.000Z' })
  departure_at!: string;

  @ApiProperty({ type: TripVehicleDto })
  vehicle!: TripVehicleDto;

  /** The charging token every stop is booked with. */
  @ApiProperty({ example: 'driver-4711' })
  token!: string;

  @ApiProperty({ example: 15 })
  corridor_km!: number;

  @ApiProperty({ example: 10 })
  reserve_percent!: number;

  @ApiProperty({ example: 90 })
  charge_to_percent!: number;

  @ApiProperty({ example: 80 })
  average_speed_kmh!: number;

  /** Length of the route (great-circle legs through the waypoints), in km. */
  @ApiProperty({ example: 447.8 })
  distance_km!: number;

  @ApiProperty({ example: '2026-11-28T13:52:00.000Z' })
  arrival_at!: string;

  @ApiProperty({ example: 12.3 })
  arrival_soc_percent!: number;

  @ApiProperty({ type: [TripStopPlanDto] })
  stops!: TripStopPlanDto[];

  @ApiProperty({ example: '2026-11-27T18:00:00.000Z' })
  created_at!: string;
}

/**
 * One stop to hold at an operator: the EVSE (with the rules of a booking's) and the window of the
 * plan's stop of that number.
 */
export class TripStopHoldDto extends PickType(CreateReservationDto, ['station_id', 'evse_uid', 'connector_id'] as const) {
  @IsInt()
  @Min(0)
  @Max(MAX_TRIP_STOPS - 1)
  stop!: number;

  @IsISO8601({ strict: true })
  @Matches(RFC3339, { message: `starts_at ${RFC3339_MESSAGE}` })
  starts_at!: string;

  @IsISO8601({ strict: true })
  @Matches(RFC3339, { message: `ends_at ${RFC3339_MESSAGE}` })
  ends_at!: string;
}

/** Names one trip. */
export class TripIdDto {
  @IsUUID()
  trip_id!: string;
}

/**
 * Hold an operator's stops of a trip as PENDING until `hold_seconds` pass: all of them or none.
 * Sending it again returns the same holds (each stop's reservation id is fixed by trip and stop).
 */
export class TripHoldCommandDto extends IntersectionType(TripIdDto, PickType(CreateReservationDto, ['token'] as const)) {
  @IsInt()
  @Min(1)
  @Max(MAX_TRIP_HOLD_SECONDS)
  hold_seconds!: number;

  /** Kept as given, for showing the trip later; its size is bounded by the message size limit. */
  @IsObject()
  plan!: TripPlanDto;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TRIP_STOPS)
  @ValidateNested({ each: true })
  @Type(() => TripStopHoldDto)
  stops!: TripStopHoldDto[];
}

/** Confirm every hold of the trip at this operator; the listed stops must all still be held. */
export class TripConfirmCommandDto extends TripIdDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TRIP_STOPS)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(MAX_TRIP_STOPS - 1, { each: true })
  stops!: number[];
}

/** Why a trip's stops are released: the booking did not complete (`abort`), or the driver canceled. */
export enum TripCancelReason {
  Abort = 'abort',
  Cancel = 'cancel',
}

export class TripCancelCommandDto extends TripIdDto {
  @IsIn(Object.values(TripCancelReason))
  reason!: TripCancelReason;
}

/** One operator's part of a trip: the plan it keeps (null when it knows no such trip of the driver) and its stops. */
export interface TripPartDto {
  trip_id: string;
  plan: TripPlanDto | null;
  reservations: ReservationDto[];
}

/**
 * The reservation id of a trip's stop at an operator: the same for every attempt, so that a
 * repeated hold finds the first one. `<operator>-<uuid>` like every reservation id, the uuid made
 * from a hash of trip and stop (version 8, RFC 9562).
 */
export function tripStopReservationId(operatorId: string, tripId: string, stop: number): string {
  const hex = createHash('sha256').update(`${tripId}/${stop}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${operatorId}-${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
