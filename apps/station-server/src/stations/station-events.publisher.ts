import { Injectable, Logger } from '@nestjs/common';
import { Topics, type MqttServer, type StationEventDto } from '@app/shared';

/** Publishes station events on this replica's MQTT connection (the strategy is made outside the container). */
@Injectable()
export class StationEventsPublisher {
  private readonly logger = new Logger(StationEventsPublisher.name);
  private server?: MqttServer;

  attach(server: MqttServer): void {
    this.server = server;
  }

  async publish(event: StationEventDto): Promise<void> {
    const sent = (await this.server?.publishEvent(Topics.stationEvents(event.operator_id, event.station_id), event)) ?? false;
    if (!sent) this.logger.warn(`Station event of ${event.evse_uid} (${event.status}) not published: broker unreachable`);
  }
}
