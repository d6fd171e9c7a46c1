import { ApiProperty } from '@nestjs/swagger';
import { Length, Matches } from 'class-validator';

export class ListReservationsQueryDto {
  /** The driver's token or reference given when booking. */
  @ApiProperty({ example: 'driver-4711' })
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'token may hold only letters, digits, "_", "." and "-"' })
  token!: string;
}
