import { BadRequestException, Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReservationDto, type VerifiedDriver } from '@app/shared';
import type { FastifyRequest } from 'fastify';
import { CurrentDriver } from '../auth/current-driver.decorator.js';
import { DriverAuthGuard } from '../auth/driver-auth.guard.js';
import { ApiProblemResponsesAt } from '../common/api-problem-responses.decorator.js';
import { CreateReservationBodyDto } from './dto/create-reservation-body.dto.js';
import { ListReservationsQueryDto } from './dto/list-reservations-query.dto.js';
import { ReservationsResponseDto } from './dto/reservations-response.dto.js';
import { ReservationsService } from './reservations.service.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,100}$/;

/** Every route acts for the driver of the bearer access token, and only on that driver's reservations. */
@ApiTags('reservas')
@ApiBearerAuth()
@UseGuards(DriverAuthGuard)
@Controller('reservas')
export class ReservationsController {
  constructor(private readonly reservations: ReservationsService) {}

  @Post()
  @ApiOperation({
    summary: 'Book an EVSE for a time window',
    description:
      'Sent only to the operator that owns the station. The database refuses overlapping windows (409 names the window taken). ' +
      'A retry with the same Idempotency-Key returns the first result; the same key with another body is 422. ' +
      "The reservation belongs to the access token's driver (its sub).",
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes a retried POST safe (at most 100 letters, digits, ".", "_", ":", "-")' })
  @ApiCreatedResponse({ type: ReservationDto })
  @ApiProblemResponsesAt('/reservas', 400, 401, 404, 409, 422, 503, 504)
  create(
    @CurrentDriver() driver: VerifiedDriver,
    @Body() body: CreateReservationBodyDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: FastifyRequest,
  ): Promise<ReservationDto> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new BadRequestException('Idempotency-Key may hold at most 100 letters, digits, ".", "_", ":" and "-"');
    }
    return this.reservations.create(driver, body, idempotencyKey, String(request.id));
  }

  @Get()
  @ApiOperation({
    summary: "The access token's driver's reservations at every operator",
    description: 'Only the caller\'s own reservations; token narrows them to one charging token. Also the way to learn what happened to a POST that timed out.',
  })
  @ApiOkResponse({ type: ReservationsResponseDto })
  @ApiProblemResponsesAt('/reservas', 400, 401, 503, 504)
  list(@CurrentDriver() driver: VerifiedDriver, @Query() query: ListReservationsQueryDto, @Req() request: FastifyRequest): Promise<ReservationsResponseDto> {
    return this.reservations.list(driver, query.token, String(request.id));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One reservation', description: "Another driver's reservation is 404, as if it did not exist." })
  @ApiOkResponse({ type: ReservationDto })
  @ApiProblemResponsesAt('/reservas/BR-FSA-3f1c2a1e-3b7d-4f7e-9b7a-0d3c7e1f2a4b', 401, 404, 503, 504)
  get(@CurrentDriver() driver: VerifiedDriver, @Param('id') id: string, @Req() request: FastifyRequest): Promise<ReservationDto> {
    return this.reservations.get(driver, id, String(request.id));
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a reservation',
    description: "Canceling again is harmless; a reservation that is FULFILLED or over cannot be canceled (409). Another driver's reservation is 404.",
  })
  @ApiOkResponse({ type: ReservationDto })
  @ApiProblemResponsesAt('/reservas/BR-FSA-3f1c2a1e-3b7d-4f7e-9b7a-0d3c7e1f2a4b', 401, 404, 409, 503, 504)
  cancel(@CurrentDriver() driver: VerifiedDriver, @Param('id') id: string, @Req() request: FastifyRequest): Promise<ReservationDto> {
    return this.reservations.cancel(driver, id, String(request.id));
  }
}
