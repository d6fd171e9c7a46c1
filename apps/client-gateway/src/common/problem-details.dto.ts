import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** An error as RFC 9457 problem details (`application/problem+json`). */
export class ProblemDetailsDto {
  @ApiProperty({ example: 'about:blank', description: 'URI reference of the problem type' })
  type!: string;

  @ApiProperty({ example: 'Service Unavailable' })
  title!: string;

  @ApiProperty({ example: 503 })
  status!: number;

  @ApiProperty({ example: 'No operator is online' })
  detail!: string;

  @ApiProperty({ example: '/postos', description: 'The request path' })
  instance!: string;

  @ApiProperty({ example: '6f1c2a1e-3b7d-4f7e-9b7a-0d3c7e1f2a4b', description: 'X-Request-ID of the request' })
  request_id!: string;

  @ApiPropertyOptional({ description: 'Fields that failed validation', type: 'array', items: { type: 'object' } })
  errors?: unknown[];

  @ApiPropertyOptional({ description: 'The reservation window that is already taken (409)', type: 'object', additionalProperties: true })
  conflict?: unknown;
}
