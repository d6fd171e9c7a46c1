import { ApiProperty } from '@nestjs/swagger';
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

export class StationsResponseDto {
  /** Stations (OCPI Locations) of every operator that answered, by operator then id. */
  @ApiProperty({ type: [LocationDto] })
  data!: LocationDto[];

  @ApiProperty({ type: OperatorsReportDto })
  operators!: OperatorsReportDto;
}
