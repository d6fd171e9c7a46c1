import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IdListQuery } from '../../common/query-transforms.js';

const NUMBER = '-?\\d{1,3}(?:\\.\\d+)?';
const BBOX = new RegExp(`^${NUMBER},${NUMBER},${NUMBER},${NUMBER}$`);

/** Query of `GET /postos/eventos`: which changes a stream carries (all of them when none is given). */
export class StationEventsQueryDto {
  /** Only these operators; repeat or separate with commas. */
  @ApiPropertyOptional({ type: [String], example: ['BR-FSA'] })
  @IsOptional()
  @IdListQuery('operator', 50)
  operator?: string[];

  /** Only these stations (ids); repeat or separate with commas. */
  @ApiPropertyOptional({ type: [String], example: ['FSA-001', 'FSA-002'] })
  @IsOptional()
  @IdListQuery('station', 500)
  station?: string[];

  /** Only stations inside this box: `south,west,north,east` in degrees (WGS 84). */
  @ApiPropertyOptional({ example: '-12.40,-39.10,-12.10,-38.80' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(BBOX, { message: 'bbox must be south,west,north,east in degrees' })
  bbox?: string;

  /** Resume after this event id, like the Last-Event-ID header (which wins when both are given). */
  @ApiPropertyOptional({ example: 'mbx3k2-42' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  last_event_id?: string;
}

/** A bbox that validated: its edges as numbers; undefined when the edges are out of range or crossed. */
export function parseBoundingBox(bbox: string): { south: number; west: number; north: number; east: number } | undefined {
  const [south, west, north, east] = bbox.split(',').map(Number);
  if ([south, north].some((v) => v < -90 || v > 90) || [west, east].some((v) => v < -180 || v > 180) || south > north) return undefined;
  return { south, west, north, east };
}
