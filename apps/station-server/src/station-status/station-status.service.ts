import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EvseStatus, StationEventCause, toEvseStatus, type StatusNotificationDto } from '@app/shared';
import type { StationServerEnvironment } from '../config/station-server.env.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { StationEventsPublisher } from '../stations/station-events.publisher.js';
import { StationsService } from '../stations/stations.service.js';
import { StationStatusRepository } from './station-status.repository.js';

/** A charger clock this far ahead is wrong: its notification would hide every later one. */
const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

@Injectable()
export class StationStatusService {
  private readonly logger = new Logger(StationStatusService.name);
  private readonly operatorId: string;
  /** Notifications of one EVSE are applied one after another, so its events leave in the order of its changes. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly repository: StationStatusRepository,
    private readonly stations: StationsService,
    private readonly events: StationEventsPublisher,
    private readonly metrics: MetricsService,
    config: ConfigService<StationServerEnvironment, true>,
  ) {
    this.operatorId = config.get('OPERATOR_ID', { infer: true });
  }

  /** Applies a charger's status notification and announces the change; old, unknown or wrong ones are logged and dropped. */
  apply(stationId: string, evseUid: string, notification: StatusNotificationDto): Promise<void> {
    const run = (this.queues.get(evseUid) ?? Promise.resolve()).then(() => this.applyNow(stationId, evseUid, notification));
    const tail = run.catch(() => undefined);
    this.queues.set(evseUid, tail);
    void tail.then(() => {
      if (this.queues.get(evseUid) === tail) this.queues.delete(evseUid);
    });
    return run;
  }

  private async applyNow(stationId: string, evseUid: string, notification: StatusNotificationDto): Promise<void> {
    const at = new Date(notification.timestamp);
    if (Number.isNaN(at.getTime()) || at.getTime() > Date.now() + MAX_CLOCK_AHEAD_MS) {
      this.count('invalid');
      this.logger.warn(`Dropped the status of ${evseUid}: timestamp ${notification.timestamp} is not a plausible time`);
      return;
    }
    const status = toEvseStatus(notification.status);
    const applied = await this.repository.apply({
      stationId,
      evseUid,
      status,
      chargerStatus: notification.status,
      connectorId: notification.connector_id,
      at,
    });
    this.count(applied.outcome);
    if (applied.outcome !== 'applied') {
      if (applied.outcome === 'unknown') this.logger.warn(`Dropped the status of EVSE ${evseUid} of station ${stationId}: no such EVSE here`);
      else this.logger.debug(`Ignored the status of ${evseUid} from ${notification.timestamp}: a newer one is stored`);
      return;
    }
    if (status === EvseStatus.Charging) {
      const fulfilled = await this.repository.fulfil(evseUid, at);
      if (fulfilled.length > 0) this.metrics.reservations.inc({ outcome: 'fulfilled' }, fulfilled.length);
    }
    this.stations.invalidate();
    if (!applied.published) return;
    await this.events.publish({
      operator_id: this.operatorId,
      station_id: stationId,
      evse_uid: evseUid,
      // A reservation holding a free EVSE still shows it RESERVED.
      status: status === EvseStatus.Available && applied.reservedNow ? EvseStatus.Reserved : status,
      charger_status: notification.status,
      connector_id: notification.connector_id,
      cause: StationEventCause.Status,
      last_updated: at.toISOString(),
      coordinates: applied.coordinates,
    });
  }

  private count(outcome: string): void {
    this.metrics.statusNotifications.inc({ outcome });
  }
}
