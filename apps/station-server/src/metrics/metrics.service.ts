import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';

/** Prometheus metrics of one station-server replica. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  /** Reservations by outcome: created, conflict (overlap refused), expired (NO_SHOW), fulfilled (a charge began), hold_lapsed (a trip hold ran out), trip_held, trip_confirmed, trip_released. */
  readonly reservations = new Counter({
    name: 'reservations_total',
    help: 'Reservations created, refused for overlapping, and expired',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  /** Chargers' status notifications by outcome: applied, stale (older than stored), unknown (no such EVSE), invalid. */
  readonly statusNotifications = new Counter({
    name: 'status_notifications_total',
    help: 'Charger status notifications applied, ignored as stale, for unknown EVSEs, or invalid',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  /** MQTT messages handled by this replica, by handler. */
  readonly handled = new Counter({
    name: 'mqtt_messages_handled_total',
    help: 'MQTT requests and events handled by this replica',
    labelNames: ['handler', 'kind'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
