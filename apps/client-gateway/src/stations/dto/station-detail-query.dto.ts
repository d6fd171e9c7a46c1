import { ApiProperty } from '@nestjs/swagger';
import { TOPIC_SAFE, TOPIC_SAFE_MESSAGE } from '@app/shared';
import { IsString, Length, Matches } from 'class-validator';

/** Path of `GET /postos/{id}`. */
export class StationDetailParamsDto {
  /** Station id (OCPI Location id), unique within its operator. */
  @ApiProperty({ example: 'FSA-001' })
  @IsString()
  @Length(1, 36)
  @Matches(TOPIC_SAFE, { message: `id ${TOPIC_SAFE_MESSAGE}` })
  id!: string;
}

/** Query of `GET /postos/{id}`: station ids are unique per operator, so the operator is named. */
export class StationDetailQueryDto {
  /** The owning operator, `<country_code>-<party_id>` of the station (as search results give it). */
  @ApiProperty({ example: 'BR-FSA' })
  @IsString()
  @Length(1, 36)
  @Matches(TOPIC_SAFE, { message: `operator ${TOPIC_SAFE_MESSAGE}` })
  operator!: string;
}
