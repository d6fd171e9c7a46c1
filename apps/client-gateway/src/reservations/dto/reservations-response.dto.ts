import { ApiProperty } from '@nestjs/swagger';
import { ReservationDto } from '@app/shared';
import { OperatorsReportDto } from '../../stations/dto/stations-response.dto.js';

export class ReservationsResponseDto {
  /** The driver's reservations at every operator that answered, by start time. */
  @ApiProperty({ type: [ReservationDto] })
  data!: ReservationDto[];

  @ApiProperty({ type: OperatorsReportDto })
  operators!: OperatorsReportDto;
}
