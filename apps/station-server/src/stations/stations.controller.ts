import { Controller, Logger } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { GetStationRequestDto, MqttRequestContext, RawJson, SearchStationsRequestDto, StationAction, Topics } from '@app/shared';
import { StationsService } from './stations.service.js';

@Controller()
export class StationsController {
  private readonly logger = new Logger(StationsController.name);

  constructor(private readonly stations: StationsService) {}

  /** The seed's query: every operator answers with a page of its matching stations. */
  @MessagePattern(Topics.stationsRequest)
  search(@Payload() query: SearchStationsRequestDto, @Ctx() context: MqttRequestContext): Promise<RawJson> {
    this.logger.debug(`station search, request ${context.getRequestId() ?? '-'}`);
    return this.stations.search(query);
  }

  /** The same search, sent to the operators a client chose. */
  @MessagePattern(Topics.stationCommandPattern(StationAction.Search))
  searchHere(@Payload() query: SearchStationsRequestDto, @Ctx() context: MqttRequestContext): Promise<RawJson> {
    return this.search(query, context);
  }

  @MessagePattern(Topics.stationCommandPattern(StationAction.Get))
  get(@Payload() { id }: GetStationRequestDto): Promise<RawJson> {
    return this.stations.get(id);
  }
}
