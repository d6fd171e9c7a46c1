import { ApiProperty } from '@nestjs/swagger';
import { TOPIC_SAFE, TOPIC_SAFE_MESSAGE } from '@app/shared';
import { Length, Matches } from 'class-validator';

export class ListReservationsQueryDto {
  /** The driver's token or reference given when booking. */
  @ApiProperty({ example: 'driver-4711' })
  @Length(1, 64)
  @Matches(TOPIC_SAFE, { message: `token ${TOPIC_SAFE_MESSAGE}` })
  token!: string;
}
