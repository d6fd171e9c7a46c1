import { BadRequestException, Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReservationDto } from '@app/shared';
import type { FastifyRequest } from 'fastify';
import { ApiProblemResponsesAt } from '../common/api-problem-responses.decorator.js';
import { CreateReservationBodyDto } from './dto/create-reservation-body.dto.js';
import { ListReservationsQueryDto } from './dto/list-reservations-query.dto.js';
import { ReservationsResponseDto } from './dto/reservations-response.dto.js';
import { ReservationsService } from './reservations.service.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,100}$/;

@ApiTags('reservas')
@Controller('reservas')
export class ReservationsController {
  constructor(private readonly reservations: ReservationsService) {}

  @Post()
  @ApiOperation({
    summary: 'Book an EVSE for a time window',
    description:
      'Sent only to the operator that owns the station. The database refuses overlapping windows (409 names the window taken). ' +
      'A retry with the same Idempotency-Key returns the first result; the same key with another body is 422.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes a retried POST safe (at most 100 letters, digits, ".", "_", ":", "-")' })
  @ApiCreatedResponse({ type: ReservationDto })
  @ApiProblemResponsesAt('/reservas', 400, 404, 409, 422, 503, 504)
  create(
    @Body() body: CreateReservationBodyDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: FastifyRequest,
  ): Promise<ReservationDto> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new BadRequestException('Idempotency-Key may hold at most 100 letters, digits, ".", "_", ":" and "-"');
    }
    return this.reservations.create(body, idempotencyKey, String(request.id));
  }

  @Get()
  @ApiOperation({ summary: "A driver's reservations at every operator", description: 'Also the way to learn what happened to a POST that timed out.' })
  @ApiOkResponse({ type: ReservationsResponseDto })
  @ApiProblemResponsesAt('/reservas', 400, 503, 504)
  list(@Query() query: ListReservationsQueryDto, @Req() request: FastifyRequest): Promise<ReservationsResponseDto> {
    return this.reservations.list(query.token, String(request.id));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One reservation' })
  @ApiOkResponse({ type: ReservationDto })
  @ApiProblemResponsesAt('/reservas/BR-FSA-3f1c2a1e-3b7d-4f7e-9b7a-0d3c7e1f2a4b', 404, 503, 504)
  get(@Param('id') id: string, @Req() request: FastifyRequest): Promise<ReservationDto> {
    return this.reservations.get(id, String(request.id));
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a reservation', description: 'Canceling again is harmless; a reservation that is FULFILLED or over cannot be canceled (409).' })
  @ApiOkResponse({ type: ReservationDto })
  @ApiProblemResponsesAt('/reservas/BR-FSA-3f1c2a1e-3b7d-4f7e-9b7a-0d3c7e1f2a4b', 404, 409, 503, 504)
  cancel(@Param('id') id: string, @Req() request: FastifyRequest): Promise<ReservationDto> {
    return this.reservations.cancel(id, String(request.id));
  }
}
