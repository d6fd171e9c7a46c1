import { Controller, Logger } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { MqttRequestContext, SearchStationsRequestDto, Topics, type SearchStationsReply } from '@app/shared';
import { StationsService } from './stations.service.js';

@Controller()
export class StationsController {
  private readonly logger = new Logger(StationsController.name);

  constructor(private readonly stations: StationsService) {}

  /** The seed's query: every operator answers with its stations. */
  @MessagePattern(Topics.stationsRequest)
  async search(@Payload() query: SearchStationsRequestDto, @Ctx() context: MqttRequestContext): Promise<SearchStationsReply> {
    const reply = await this.stations.search(query);
    this.logger.debug(`request ${context.getRequestId() ?? '-'}: ${reply.stations.length} stations`);
    return reply;
  }
}
