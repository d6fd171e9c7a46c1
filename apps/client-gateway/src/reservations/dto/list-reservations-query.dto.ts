import { ApiPropertyOptional } from '@nestjs/swagger';
import { TOPIC_SAFE, TOPIC_SAFE_MESSAGE } from '@app/shared';
import { IsOptional, Length, Matches } from 'class-validator';

/** The driver is the access token's; the query only narrows the list. */
export class ListReservationsQueryDto {
  /** Only the reservations booked with this charging token (the `token` of the booking). */
  @ApiPropertyOptional({ example: 'driver-4711' })
  @IsOptional()
  @Length(1, 64)
  @Matches(TOPIC_SAFE, { message: `token ${TOPIC_SAFE_MESSAGE}` })
  token?: string;
}
