import { BadRequestException, Controller, Get, Headers, Logger, Query, Req, Res, ServiceUnavailableException, type BeforeApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { StationEventDto, Topics } from '@app/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblemResponsesAt } from '../common/api-problem-responses.decorator.js';
import type { ClientGatewayEnvironment } from '../config/client-gateway.env.js';
import { parseBoundingBox, StationEventsQueryDto } from './dto/station-events-query.dto.js';
import { StationEventsService, type NumberedEvent } from './station-events.service.js';

/** A client that reads slower than events come is let go past this many unsent bytes. */
const MAX_UNSENT_BYTES = 1024 * 1024;
/** How long a browser waits before it reconnects, in milliseconds. */
const RETRY_MS = 2000;

@ApiTags('postos')
@Controller('postos')
export class StationEventsController implements BeforeApplicationShutdown {
  private readonly logger = new Logger(StationEventsController.name);
  private readonly streams = new Set<() => void>();
  private readonly maxClients: number;
  private readonly heartbeatMs: number;

  constructor(
    private readonly events: StationEventsService,
    config: ConfigService<ClientGatewayEnvironment, true>,
  ) {
    this.maxClients = config.get('SSE_MAX_CLIENTS', { infer: true });
    this.heartbeatMs = config.get('SSE_HEARTBEAT_MS', { infer: true });
  }

  @Get('eventos')
  @ApiOperation({
    summary: 'Live status changes of stations (Server-Sent Events)',
    description:
      `Streams every EVSE status change the operators publish on \`${Topics.stationEventsFilter}\` as \`event: status\` ` +
      'messages whose data is a StationEvent; a comment line every SSE_HEARTBEAT_MS keeps idle streams open. ' +
      'A client that reconnects with Last-Event-ID gets the changes it missed while they are still in the buffer (EVENTS_BUFFER_SIZE).',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An event stream; each `data:` line is a StationEvent', type: StationEventDto })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event' })
  @ApiProblemResponsesAt('/postos/eventos', 400, 503)
  stream(
    @Query() query: StationEventsQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): void {
    const matches = this.filter(query);
    if (this.streams.size >= this.maxClients) {
      throw new ServiceUnavailableException(`This gateway already serves ${this.maxClients} event streams`);
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': String(request.id),
    });
    const send = (event: NumberedEvent) => {
      if (!matches(event.event)) return;
      if (res.writableLength > MAX_UNSENT_BYTES) {
        this.logger.warn(`Closed the event stream of request ${request.id}: the client reads too slowly`);
        close();
        return;
      }
      res.write(`id: ${event.id}\nevent: status\ndata: ${event.data}\n\n`);
    };
    // Replayed and live events in order: live ones wait until the replay is written.
    const unsubscribe = this.events.subscribe(send);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), this.heartbeatMs);
    const close = () => {
      if (!this.streams.delete(close)) return;
      unsubscribe();
      clearInterval(heartbeat);
      res.end();
    };
    this.streams.add(close);
    res.on('close', close);
    // A write to a connection that just went away: the stream ends, the gateway goes on.
    res.on('error', close);
    res.write(`retry: ${RETRY_MS}\n\n`);
    for (const event of this.events.since(lastEventId ?? query.last_event_id)) send(event);
  }

  /** Open streams end when the gateway stops, so they do not hold its shutdown. */
  beforeApplicationShutdown(): void {
    for (const close of [...this.streams]) close();
  }

  private filter(query: StationEventsQueryDto): (event: StationEventDto) => boolean {
    const operators = query.operator && new Set(query.operator);
    const stations = query.station && new Set(query.station);
    const box = query.bbox === undefined ? undefined : parseBoundingBox(query.bbox);
    if (query.bbox !== undefined && !box) throw new BadRequestException('bbox must be south,west,north,east with south <= north, in range');
    return (event) => {
      if (operators && !operators.has(event.operator_id)) return false;
      if (stations && !stations.has(event.station_id)) return false;
      if (box) {
        const latitude = Number(event.coordinates.latitude);
        const longitude = Number(event.coordinates.longitude);
        if (latitude < box.south || latitude > box.north) return false;
        // A box whose west edge is east of its east edge spans the antimeridian.
        const inside = box.west <= box.east ? longitude >= box.west && longitude <= box.east : longitude >= box.west || longitude <= box.east;
        if (!inside) return false;
      }
      return true;
    };
  }
}
