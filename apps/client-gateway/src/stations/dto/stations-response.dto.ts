import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LocationDto } from '@app/shared';

/** Which operators took part in an answer. */
export class OperatorsReportDto {
  /** Operators whose stations are in `data`. */
  @ApiProperty({ example: ['BR-FSA', 'BR-SSA'] })
  answered!: string[];

  /** Operators that were online but did not answer by the deadline. */
  @ApiProperty({ example: ['BR-VDC'] })
  timed_out!: string[];

  /** Operators that answered with an error. */
  @ApiProperty({ example: [] })
  failed!: string[];

  /** Operators known to this gateway with no server online. */
  @ApiProperty({ example: [] })
  offline!: string[];
}

/** A search result: the station, and how far it is when the search had a point. */
export class StationResultDto extends LocationDto {
  /** Great-circle distance from the search point, in km (to the metre). */
  @ApiPropertyOptional({ example: 1.284 })
  distance_km?: number;
}

export class StationsResponseDto {
  /** One page of stations (OCPI Locations): nearest first when searching around a point, else by operator then id. */
  @ApiProperty({ type: [StationResultDto] })
  data!: StationResultDto[];

  /** Stations that match, on every page (also in the X-Total-Count header). */
  @ApiProperty({ example: 104 })
  total!: number;

  @ApiProperty({ type: OperatorsReportDto })
  operators!: OperatorsReportDto;
}
