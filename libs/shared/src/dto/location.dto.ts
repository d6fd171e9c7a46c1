import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Capability, ConnectorFormat, ConnectorType, EvseStatus, Facility, ParkingType, PowerType } from '../enums/ocpi.enums.js';
import { TOPIC_SAFE, TOPIC_SAFE_MESSAGE } from '../mqtt/topics.js';

export class GeoLocationDto {
  /** WGS 84 latitude, 5 to 7 decimals (OCPI GeoLocation). */
  @ApiProperty({ example: '-12.2578123', pattern: '^-?[0-9]{1,2}\\.[0-9]{5,7}$' })
  @Matches(/^-?[0-9]{1,2}\.[0-9]{5,7}$/, { message: 'latitude must be a decimal string with 5 to 7 decimals' })
  latitude!: string;

  /** WGS 84 longitude, 5 to 7 decimals. */
  @ApiProperty({ example: '-38.9600456', pattern: '^-?[0-9]{1,3}\\.[0-9]{5,7}$' })
  @Matches(/^-?[0-9]{1,3}\.[0-9]{5,7}$/, { message: 'longitude must be a decimal string with 5 to 7 decimals' })
  longitude!: string;
}

export class BusinessDetailsDto {
  @ApiProperty({ example: 'Feira Energia' })
  @IsString()
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ example: 'https://example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  website?: string;
}

export class RegularHoursDto {
  /** 1 = Monday ... 7 = Sunday. */
  @ApiProperty({ minimum: 1, maximum: 7, example: 1 })
  @IsInt()
  @Min(1)
  @Max(7)
  weekday!: number;

  @ApiProperty({ example: '10:00', description: 'Local time HH:MM' })
  @Matches(/^([01][0-9]|2[0-3]):[0-5][0-9]$/)
  period_begin!: string;

  @ApiProperty({ example: '22:00', description: 'Local time HH:MM' })
  @Matches(/^([01][0-9]|2[0-4]):[0-5][0-9]$/)
  period_end!: string;
}

export class HoursDto {
  @ApiProperty({ description: 'Open around the clock' })
  @IsBoolean()
  twentyfourseven!: boolean;

  @ApiPropertyOptional({ type: [RegularHoursDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RegularHoursDto)
  regular_hours?: RegularHoursDto[];
}

export class ConnectorDto {
  /** Unique within its EVSE. */
  @ApiProperty({ example: '1' })
  @IsString()
  @Length(1, 36)
  @Matches(TOPIC_SAFE, { message: `id ${TOPIC_SAFE_MESSAGE}` })
  id!: string;

  @ApiProperty({ enum: ConnectorType, enumName: 'ConnectorType', example: ConnectorType.IEC_62196_T2 })
  @IsEnum(ConnectorType)
  standard!: ConnectorType;

  @ApiProperty({ enum: ConnectorFormat, enumName: 'ConnectorFormat', example: ConnectorFormat.Socket })
  @IsEnum(ConnectorFormat)
  format!: ConnectorFormat;

  @ApiProperty({ enum: PowerType, enumName: 'PowerType', example: PowerType.AC3Phase })
  @IsEnum(PowerType)
  power_type!: PowerType;

  /** Volts (line to neutral for AC_3_PHASE). */
  @ApiProperty({ example: 230 })
  @IsInt()
  @Min(1)
  @Max(2000)
  max_voltage!: number;

  /** Amperes. */
  @ApiProperty({ example: 32 })
  @IsInt()
  @Min(1)
  @Max(3000)
  max_amperage!: number;

  /** Watts, when lower than voltage x amperage. */
  @ApiPropertyOptional({ example: 22000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5_000_000)
  max_electric_power?: number;

  @ApiProperty({ example: '2026-11-20T10:15:00Z' })
  @IsISO8601({ strict: true })
  last_updated!: string;
}

export class EvseDto {
  /** Technical id, unique within the operator and immutable. */
  @ApiProperty({ example: 'FSA-001-E1' })
  @IsString()
  @Length(1, 36)
  @Matches(TOPIC_SAFE, { message: `uid ${TOPIC_SAFE_MESSAGE}` })
  uid!: string;

  /** eMI3 EVSE id. */
  @ApiPropertyOptional({ example: 'BR*FSA*E0011' })
  @IsOptional()
  @IsString()
  @MaxLength(48)
  evse_id?: string;

  @ApiProperty({ enum: EvseStatus, enumName: 'EvseStatus', example: EvseStatus.Available })
  @IsEnum(EvseStatus)
  status!: EvseStatus;

  @ApiPropertyOptional({ enum: Capability, enumName: 'Capability', isArray: true })
  @IsOptional()
  @IsArray()
  @IsEnum(Capability, { each: true })
  capabilities?: Capability[];

  @ApiProperty({ type: [ConnectorDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ConnectorDto)
  connectors!: ConnectorDto[];

  @ApiPropertyOptional({ example: '-1' })
  @IsOptional()
  @IsString()
  @MaxLength(4)
  floor_level?: string;

  @ApiPropertyOptional({ example: 'A1' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  physical_reference?: string;

  @ApiProperty({ example: '2026-11-20T10:15:00Z' })
  @IsISO8601({ strict: true })
  last_updated!: string;
}

/** A charging station ("posto"): an OCPI 2.2.1 Location with its EVSEs and connectors. */
export class LocationDto {
  /** ISO 3166 alpha-2 country of the operator. */
  @ApiProperty({ example: 'BR' })
  @Matches(/^[A-Z]{2}$/, { message: 'country_code must be two capital letters' })
  country_code!: string;

  /** Operator (CPO) id within the country. */
  @ApiProperty({ example: 'FSA' })
  @Matches(/^[A-Z0-9]{3}$/, { message: 'party_id must be three capital letters or digits' })
  party_id!: string;

  @ApiProperty({ example: 'FSA-001' })
  @IsString()
  @Length(1, 36)
  @Matches(TOPIC_SAFE, { message: `id ${TOPIC_SAFE_MESSAGE}` })
  id!: string;

  @ApiProperty({ example: true })
  @IsBoolean()
  publish!: boolean;

  @ApiPropertyOptional({ example: 'Boulevard Shopping Feira' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  name?: string;

  @ApiProperty({ example: 'Av. João Durval Carneiro, 3665' })
  @IsString()
  @Length(1, 45)
  address!: string;

  @ApiProperty({ example: 'Feira de Santana' })
  @IsString()
  @Length(1, 45)
  city!: string;

  @ApiPropertyOptional({ example: '44052-000' })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  postal_code?: string;

  @ApiPropertyOptional({ example: 'BA' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  state?: string;

  /** ISO 3166-1 alpha-3. */
  @ApiProperty({ example: 'BRA' })
  @Matches(/^[A-Z]{3}$/, { message: 'country must be three capital letters (ISO 3166-1 alpha-3)' })
  country!: string;

  @ApiProperty({ type: GeoLocationDto })
  @ValidateNested()
  @Type(() => GeoLocationDto)
  coordinates!: GeoLocationDto;

  @ApiPropertyOptional({ enum: ParkingType, enumName: 'ParkingType' })
  @IsOptional()
  @IsEnum(ParkingType)
  parking_type?: ParkingType;

  @ApiProperty({ type: [EvseDto] })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => EvseDto)
  evses!: EvseDto[];

  @ApiPropertyOptional({ type: BusinessDetailsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => BusinessDetailsDto)
  operator?: BusinessDetailsDto;

  @ApiPropertyOptional({ enum: Facility, enumName: 'Facility', isArray: true })
  @IsOptional()
  @IsArray()
  @IsEnum(Facility, { each: true })
  facilities?: Facility[];

  /** IANA time zone. */
  @ApiProperty({ example: 'America/Bahia' })
  @IsString()
  @Length(1, 255)
  time_zone!: string;

  @ApiPropertyOptional({ type: HoursDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => HoursDto)
  opening_times?: HoursDto;

  @ApiProperty({ example: '2026-11-20T10:15:00Z' })
  @IsISO8601({ strict: true })
  last_updated!: string;
}
