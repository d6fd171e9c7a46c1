import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { ReservationStatus, TripPlanDto, TripStopPlanDto } from '@app/shared';
import { OperatorsReportDto } from '../../stations/dto/stations-response.dto.js';

/** A trip as a whole: PENDING while holds wait, CONFIRMED when every stop is booked, CANCELED by the driver, FAILED when the booking did not complete. */
export enum TripStatus {
  Pending = 'PENDING',
  Confirmed = 'CONFIRMED',
  Canceled = 'CANCELED',
  Failed = 'FAILED',
}

/** A stop's state: its reservation's status, NOT_HELD when its operator holds nothing for it, UNKNOWN when the operator did not answer. */
export const STOP_STATES = [...Object.values(ReservationStatus), 'NOT_HELD', 'UNKNOWN'] as const;
export type StopState = (typeof STOP_STATES)[number];

export class TripStopDto extends TripStopPlanDto {
  /** The stop's reservation, the same id at every attempt (`GET /reservas/{id}` shows it too). */
  @ApiProperty({ example: 'BR-FSA-5b0e4c1d-92aa-8c3e-a1f0-7d6c2b9e4a11' })
  reservation_id!: string;

  @ApiProperty({ enum: STOP_STATES, example: ReservationStatus.Reserved })
  status!: StopState;

  @ApiPropertyOptional({ example: '2026-11-27T18:00:30.000Z', description: 'While PENDING: when the hold lapses unless confirmed' })
  hold_expires_at?: string;
}

export class TripDto extends OmitType(TripPlanDto, ['stops'] as const) {
  @ApiProperty({ example: '0f8fad5b-d9cb-469f-a165-70867728950e' })
  id!: string;

  @ApiProperty({ enum: TripStatus, enumName: 'TripStatus', example: TripStatus.Confirmed })
  status!: TripStatus;

  @ApiProperty({ type: [TripStopDto] })
  stops!: TripStopDto[];

  /** Which operators were asked and answered, when the trip was read from them. */
  @ApiPropertyOptional({ type: OperatorsReportDto })
  operators?: OperatorsReportDto;
}
