import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { CreateReservationDto, GeoPointDto, RFC3339, RFC3339_MESSAGE, TripVehicleDto } from '@app/shared';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsISO8601, IsNumber, IsObject, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';

/** Most waypoints a trip may pass through. */
export const MAX_WAYPOINTS = 10;

/**
 * POST /viagens: where from and to, when, in which vehicle, and the driver's preferences; `token`
 * is the charging token every stop is booked with, as in `POST /reservas`.
 */
export class CreateTripBodyDto extends PickType(CreateReservationDto, ['token'] as const) {
  @ApiProperty({ type: GeoPointDto, example: { latitude: -12.9714, longitude: -38.5014 } })
  @IsObject()
  @ValidateNested()
  @Type(() => GeoPointDto)
  origin!: GeoPointDto;

  @ApiProperty({ type: GeoPointDto, example: { latitude: -14.8615, longitude: -40.8442 } })
  @IsObject()
  @ValidateNested()
  @Type(() => GeoPointDto)
  destination!: GeoPointDto;

  /** Points the route passes through, in order (the route is great-circle legs between them). */
  @ApiPropertyOptional({ type: [GeoPointDto], example: [{ latitude: -12.2664, longitude: -38.9663 }] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_WAYPOINTS)
  @ValidateNested({ each: true })
  @Type(() => GeoPointDto)
  waypoints?: GeoPointDto[];

  /** When the trip starts (RFC 3339); now when omitted. */
  @ApiPropertyOptional({ example: '2026-11-28T08:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(RFC3339, { message: `departure_at ${RFC3339_MESSAGE}` })
  departure_at?: string;

  @ApiProperty({ type: TripVehicleDto })
  @IsObject()
  @ValidateNested()
  @Type(() => TripVehicleDto)
  vehicle!: TripVehicleDto;

  /** How far from the route a station may be, in km (default 15). */
  @ApiPropertyOptional({ example: 15, minimum: 1, maximum: 50 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(50)
  corridor_km?: number;

  /** Never arrive anywhere with less charge than this, in percent (default 10). */
  @ApiPropertyOptional({ example: 10, minimum: 0, maximum: 50 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(50)
  reserve_percent?: number;

  /** Charge up to this at a stop, in percent (default 90); up to 100 when a leg needs it. */
  @ApiPropertyOptional({ example: 90, minimum: 20, maximum: 100 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(20)
  @Max(100)
  charge_to_percent?: number;

  /** Average speed on the road, for arrival times, in km/h (default 80). */
  @ApiPropertyOptional({ example: 80, minimum: 10, maximum: 150 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(10)
  @Max(150)
  average_speed_kmh?: number;
}
