import { Controller, Logger } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { MqttRequestContext, RawJson, SearchStationsRequestDto, Topics } from '@app/shared';
import { StationsService } from './stations.service.js';

@Controller()
export class StationsController {
  private readonly logger = new Logger(StationsController.name);

  constructor(private readonly stations: StationsService) {}

  /** The seed's query: every operator answers with its stations (a SearchStationsReply). */
  @MessagePattern(Topics.stationsRequest)
  search(@Payload() query: SearchStationsRequestDto, @Ctx() context: MqttRequestContext): Promise<RawJson> {
    this.logger.debug(`station search, request ${context.getRequestId() ?? '-'}`);
    return this.stations.search(query);
  }
}
