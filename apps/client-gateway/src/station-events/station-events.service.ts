import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { isStationEvent, MqttClientProxy, type EvseStatus, StationEventCause, Topics, type StationEventDto } from '@app/shared';
import type { ClientGatewayEnvironment } from '../config/client-gateway.env.js';
import { STATIONS_CLIENT } from '../transport/transport.constants.js';

/** A station event as streams send it: with this gateway's id for it, encoded once. */
export interface NumberedEvent {
  seq: number;
  id: string;
  event: StationEventDto;
  data: string;
}

/**
 * Every station event of every operator, as they arrive: numbered, kept in a bounded buffer for
 * streams that resume, repeated ones dropped, handed to each open stream.
 */
@Injectable()
export class StationEventsService implements OnModuleInit {
  private readonly logger = new Logger(StationEventsService.name);
  /** Names this gateway's numbering: an id of another gateway, or of an earlier run, resumes from the whole buffer. */
  private readonly epoch = Date.now().toString(36);
  private readonly capacity: number;
  private readonly buffer: NumberedEvent[] = [];
  private readonly listeners = new Set<(event: NumberedEvent) => void>();
  /** Per EVSE: the last status seen, and the time of the last charger change seen. */
  private readonly latest = new Map<string, { status: EvseStatus; chargerAt: number }>();
  private seq = 0;

  constructor(
    @Inject(STATIONS_CLIENT) private readonly client: MqttClientProxy,
    config: ConfigService<ClientGatewayEnvironment, true>,
  ) {
    this.capacity = config.get('EVENTS_BUFFER_SIZE', { infer: true });
  }

  onModuleInit(): void {
    this.client.subscribeEvents(Topics.stationEventsFilter, (topic, payload) => this.receive(topic, payload));
  }

  /** Calls `listener` with every new event until the returned function is called. */
  subscribe(listener: (event: NumberedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Buffered events after `lastEventId`: those with a higher number when the id is this gateway's,
   * every buffered one when it is not (a stream loses nothing still in the buffer, at the cost of repeats).
   */
  since(lastEventId: string | undefined): NumberedEvent[] {
    if (lastEventId === undefined || lastEventId === '') return [];
    const [epoch, seq] = lastEventId.split('-');
    const after = epoch === this.epoch && /^\d+$/.test(seq ?? '') ? Number(seq) : -1;
    return this.buffer.filter((event) => event.seq > after);
  }

  /**
   * True for an event to drop: the same status again from a reservation (every replica announces
   * a window that opens), or a charger change older than one already seen (replicas and
   * redeliveries may reorder them).
   */
  private repeatsOrPrecedes(event: StationEventDto): boolean {
    const key = `${event.operator_id}/${event.evse_uid}`;
    const before = this.latest.get(key) ?? { status: undefined, chargerAt: -Infinity };
    if (event.cause === StationEventCause.Reservation) {
      if (before.status === event.status) return true;
      this.latest.set(key, { ...before, status: event.status });
      return false;
    }
    const at = Date.parse(event.last_updated);
    if (at <= before.chargerAt) return true;
    this.latest.set(key, { status: event.status, chargerAt: at });
    return false;
  }

  private receive(topic: string, payload: Buffer): void {
    let event: unknown;
    try {
      event = JSON.parse(payload.toString());
    } catch {
      event = undefined;
    }
    if (!isStationEvent(event)) {
      this.logger.warn(`Dropped a malformed station event on ${topic}`);
      return;
    }
    if (this.repeatsOrPrecedes(event)) return;
    const seq = ++this.seq;
    const numbered: NumberedEvent = { seq, id: `${this.epoch}-${seq}`, event, data: JSON.stringify(event) };
    if (this.capacity > 0) {
      this.buffer.push(numbered);
      if (this.buffer.length > this.capacity) this.buffer.shift();
    }
    for (const listener of this.listeners) listener(numbered);
  }
}
