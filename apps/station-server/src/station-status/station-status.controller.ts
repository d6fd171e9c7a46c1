import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { MqttRequestContext, OPERATOR_PLACEHOLDER, parseEvseStatusTopic, StatusNotificationDto, Topics } from '@app/shared';
import { StationsService } from '../stations/stations.service.js';
import { StationStatusService } from './station-status.service.js';

/** Chargers' status notifications (replicas share them: each is applied once), and the replicas' own events. */
@Controller()
export class StationStatusController {
  private readonly logger = new Logger(StationStatusController.name);

  constructor(
    private readonly status: StationStatusService,
    private readonly stations: StationsService,
  ) {}

  @EventPattern<string>(Topics.evseStatusPattern, { qos: 1 })
  async onStatus(@Payload() notification: StatusNotificationDto, @Ctx() context: MqttRequestContext): Promise<void> {
    const target = parseEvseStatusTopic(context.getTopic());
    if (!target) {
      this.logger.warn(`Dropped a status on ${context.getTopic()}: not an EVSE status topic`);
      return;
    }
    await this.status.apply(target.stationId, target.evseUid, notification);
  }

  /** Every replica hears every change of its operator, so none shows stations older than another's write. */
  @EventPattern<string>(Topics.operatorStationEventsFilter(OPERATOR_PLACEHOLDER), { shared: false })
  onStationEvent(): void {
    this.stations.invalidate();
  }
}
