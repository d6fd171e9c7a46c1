import { Controller, Get, Header, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Topics } from '@app/shared';
import type { FastifyRequest } from 'fastify';
import { ApiProblemResponses } from '../common/api-problem-responses.decorator.js';
import { SearchStationsQueryDto } from './dto/search-stations-query.dto.js';
import { StationsResponseDto } from './dto/stations-response.dto.js';
import { StationsService } from './stations.service.js';

@ApiTags('postos')
@Controller('postos')
export class StationsController {
  constructor(private readonly stations: StationsService) {}

  @Get()
  @ApiOperation({
    summary: 'Charging stations of every operator',
    description:
      `Publishes one request on \`${Topics.stationsRequest}\` and merges the answers of every live operator, ` +
      'waiting for all of them or the deadline (REQUEST_TIMEOUT_MS). `operators` says who answered, timed out, failed or is offline.',
  })
  @ApiOkResponse({ type: StationsResponseDto })
  @ApiProblemResponses(400, 503, 504)
  @Header('content-type', 'application/json; charset=utf-8')
  search(@Query() query: SearchStationsQueryDto, @Req() request: FastifyRequest): Promise<Buffer> {
    return this.stations.search(query, String(request.id));
  }
}
