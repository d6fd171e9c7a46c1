import { Controller, Get, Header, Param, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LocationDto, StationAction, Topics } from '@app/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblemResponses, ApiProblemResponsesAt } from '../common/api-problem-responses.decorator.js';
import { SearchStationsQueryDto } from './dto/search-stations-query.dto.js';
import { StationDetailParamsDto, StationDetailQueryDto } from './dto/station-detail-query.dto.js';
import { StationsResponseDto } from './dto/stations-response.dto.js';
import { StationsService } from './stations.service.js';

@ApiTags('postos')
@Controller('postos')
export class StationsController {
  constructor(private readonly stations: StationsService) {}

  @Get()
  @ApiOperation({
    summary: 'Search charging stations of every operator',
    description:
      `Publishes one request on \`${Topics.stationsRequest}\` (or, with \`operator\`, on each chosen operator's ` +
      `\`${Topics.stationCommandPattern(StationAction.Search)}\`); each operator filters in its own database and ` +
      'answers its nearest matches; the gateway merges them nearest first and cuts the page. It waits for every live ' +
      'operator or the deadline (REQUEST_TIMEOUT_MS); `operators` says who answered, timed out, failed or is offline.',
  })
  @ApiOkResponse({ type: StationsResponseDto })
  @ApiHeader({ name: 'X-Total-Count', description: 'Stations that match, on every page', required: false })
  @ApiHeader({ name: 'Link', description: 'RFC 8288 links to the next and previous pages (rel="next", rel="prev")', required: false })
  @ApiProblemResponses(400, 503, 504)
  @Header('content-type', 'application/json; charset=utf-8')
  async search(@Query() query: SearchStationsQueryDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const page = await this.stations.search(query, String(request.id));
    void reply.header('x-total-count', String(page.total));
    const links = pageLinks(request.url, page);
    if (links) void reply.header('link', links);
    return page.body;
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One charging station',
    description: `Asks only the owning operator, on \`${Topics.stationCommandPattern(StationAction.Get)}\`.`,
  })
  @ApiOkResponse({ type: LocationDto })
  @ApiProblemResponsesAt('/postos/FSA-001', 400, 404, 503, 504)
  get(@Param() { id }: StationDetailParamsDto, @Query() { operator }: StationDetailQueryDto, @Req() request: FastifyRequest): Promise<LocationDto> {
    return this.stations.get(id, operator, String(request.id));
  }
}

/** `Link` header of a page: the same query with the offset of the next and previous pages. */
function pageLinks(url: string, page: { total: number; offset: number; limit: number }): string | undefined {
  const [path, search = ''] = url.split('?', 2);
  const link = (offset: number, rel: string) => {
    const params = new URLSearchParams(search);
    params.set('offset', String(offset));
    params.set('limit', String(page.limit));
    return `<${path}?${params.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page.offset + page.limit < page.total) links.push(link(page.offset + page.limit, 'next'));
  if (page.offset > 0) links.push(link(Math.max(0, page.offset - page.limit), 'prev'));
  return links.length > 0 ? links.join(', ') : undefined;
}
