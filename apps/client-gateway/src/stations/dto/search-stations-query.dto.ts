import { ApiPropertyOptional } from '@nestjs/swagger';
import { ConnectorType, PowerType, RequiresField } from '@app/shared';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { IdListQuery, toBoolean, toList, toNumber } from '../../common/query-transforms.js';

/** Results per page when the query names no limit, and the most it may name. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Deepest page: past it, narrow the search instead. */
export const MAX_OFFSET = 1000;

/** Query of `GET /postos`. Filters on EVSEs (connector, power, availability) hold for one EVSE together. */
export class SearchStationsQueryDto {
  /** Latitude of the point to search around (WGS 84); needs `longitude`. Results come nearest first, each with `distance_km`. */
  @ApiPropertyOptional({ example: -12.2664, minimum: -90, maximum: 90 })
  @IsOptional()
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'latitude must be a number' })
  @Min(-90)
  @Max(90)
  @RequiresField('longitude', { message: 'latitude needs longitude as well' })
  latitude?: number;

  /** Longitude of the point to search around (WGS 84); needs `latitude`. */
  @ApiPropertyOptional({ example: -38.9667, minimum: -180, maximum: 180 })
  @IsOptional()
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'longitude must be a number' })
  @Min(-180)
  @Max(180)
  @RequiresField('latitude', { message: 'longitude needs latitude as well' })
  longitude?: number;

  /** Radius around the point, in km; needs `latitude` and `longitude`. */
  @ApiPropertyOptional({ example: 10, minimum: 0, maximum: 20000 })
  @IsOptional()
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'distance must be a number (km)' })
  @Min(0)
  @Max(20_000)
  @RequiresField('latitude', { message: 'distance needs latitude and longitude' })
  distance?: number;

  /** Connector standards (OCPI ConnectorType); repeat the parameter or separate with commas. */
  @ApiPropertyOptional({ enum: ConnectorType, isArray: true, example: [ConnectorType.IEC_62196_T2_COMBO] })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(50)
  @IsEnum(ConnectorType, { each: true, message: `connector must be one of: ${Object.values(ConnectorType).join(', ')}` })
  connector?: ConnectorType[];

  /** Power types (OCPI PowerType); repeat or separate with commas. */
  @ApiPropertyOptional({ enum: PowerType, isArray: true, example: [PowerType.DC] })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(10)
  @IsEnum(PowerType, { each: true, message: `power_type must be one of: ${Object.values(PowerType).join(', ')}` })
  power_type?: PowerType[];

  /** Least power a connector must deliver, in kW. */
  @ApiPropertyOptional({ example: 50, minimum: 0, maximum: 10000 })
  @IsOptional()
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'min_power_kw must be a number (kW)' })
  @Min(0)
  @Max(10_000)
  min_power_kw?: number;

  /** true: only stations with an EVSE AVAILABLE now (not charging, reserved or out of service). */
  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'available must be true or false' })
  available?: boolean;

  /** Only these operators (`<country_code>-<party_id>`); repeat or separate with commas. */
  @ApiPropertyOptional({ type: [String], example: ['BR-FSA'] })
  @IsOptional()
  @IdListQuery('operator', 50)
  operator?: string[];

  /** Results per page. */
  @ApiPropertyOptional({ default: DEFAULT_PAGE_SIZE, minimum: 1, maximum: MAX_PAGE_SIZE })
  @IsOptional()
  @Transform(toNumber)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  /** Results to skip (the `Link: rel="next"` header gives the next page). */
  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: MAX_OFFSET })
  @IsOptional()
  @Transform(toNumber)
  @IsInt({ message: 'offset must be an integer' })
  @Min(0)
  @Max(MAX_OFFSET)
  offset?: number;
}
