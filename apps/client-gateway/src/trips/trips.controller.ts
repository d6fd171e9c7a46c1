import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { VerifiedDriver } from '@app/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentDriver } from '../auth/current-driver.decorator.js';
import { DriverAuthGuard } from '../auth/driver-auth.guard.js';
import { ApiProblemResponsesAt } from '../common/api-problem-responses.decorator.js';
import { CreateTripBodyDto } from './dto/create-trip-body.dto.js';
import { TripDto } from './dto/trip-response.dto.js';
import { TripsService } from './trips.service.js';

const EXAMPLE_TRIP = '/viagens/0f8fad5b-d9cb-469f-a165-70867728950e';

/** Trips ("viagens"): charging stops along a route, booked across operators all or nothing. */
@ApiTags('viagens')
@ApiBearerAuth()
@UseGuards(DriverAuthGuard)
@Controller('viagens')
export class TripsController {
  constructor(private readonly trips: TripsService) {}

  @Post()
  @ApiOperation({
    summary: 'Plan a trip and book its charging stops, all or nothing',
    description:
      'Finds stations within corridor_km of the route (great-circle legs through the waypoints), picks stops so that no leg ' +
      'leaves less than reserve_percent of charge, estimates arrival and charging time at each, and books one EVSE per stop. ' +
      'Every operator first holds its stops PENDING (TRIP_HOLD_SECONDS), then all holds are confirmed to RESERVED. When any ' +
      'operator refuses (409), is offline (503) or does not answer (504), every hold is released and nothing stays reserved; ' +
      'the problem names the trip and each stop. 422 when no plan fits the vehicle, or when no stop is needed.',
  })
  @ApiCreatedResponse({ type: TripDto, headers: { Location: { description: 'The new trip', schema: { type: 'string', example: EXAMPLE_TRIP } } } })
  @ApiProblemResponsesAt('/viagens', 400, 401, 409, 422, 503, 504)
  async create(
    @CurrentDriver() driver: VerifiedDriver,
    @Body() body: CreateTripBodyDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TripDto> {
    const trip = await this.trips.create(driver, body, String(request.id));
    void reply.header('location', `/viagens/${trip.id}`);
    return trip;
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One trip: its stops, windows and states',
    description: 'Read from the operators that hold its stops, so any gateway shows it, also after a restart. Another driver\'s trip is 404.',
  })
  @ApiOkResponse({ type: TripDto })
  @ApiProblemResponsesAt(EXAMPLE_TRIP, 401, 404, 503, 504)
  get(@CurrentDriver() driver: VerifiedDriver, @Param('id') id: string, @Req() request: FastifyRequest): Promise<TripDto> {
    return this.trips.get(driver, id, String(request.id));
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel every stop of a trip',
    description: 'Canceling again is harmless. 503 names the operators that could not be reached (their stops stay until a DELETE reaches them).',
  })
  @ApiOkResponse({ type: TripDto })
  @ApiProblemResponsesAt(EXAMPLE_TRIP, 401, 404, 503, 504)
  cancel(@CurrentDriver() driver: VerifiedDriver, @Param('id') id: string, @Req() request: FastifyRequest): Promise<TripDto> {
    return this.trips.cancel(driver, id, String(request.id));
  }
}
