import { ApiProperty } from '@nestjs/swagger';
import { CreateReservationDto } from '@app/shared';
import { Matches } from 'class-validator';

/** POST /reservas: the booking, and the operator that owns the station (the station's country_code-party_id). */
export class CreateReservationBodyDto extends CreateReservationDto {
  @ApiProperty({ example: 'BR-FSA' })
  @Matches(/^[A-Z]{2}-[A-Z0-9]{3}$/, { message: 'operator_id must look like BR-FSA' })
  operator_id!: string;
}
