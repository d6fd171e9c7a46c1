import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { IClientPublishOptions, IPublishPacket, MqttClient } from 'mqtt';
import { ErrorCode, type WireError } from '../errors/error-codes.js';
import {
  BrokerUnavailableError,
  NoResponderError,
  RemoteError,
  RequestTimeoutError,
  TransportError,
} from '../errors/transport.errors.js';
import { isReplyEnvelope, type RequestEnvelope } from './envelope.js';
import { openMqttConnection, type MqttConnectionOptions } from './mqtt-connection.js';
import { PresenceRegistry } from './presence.registry.js';
import { parsePresenceTopic, resourceOfRequest, topicMatches, Topics } from './topics.js';

export interface MqttClientProxyOptions extends MqttConnectionOptions {
  /** Deadline of a request when the caller gives none. */
  requestTimeoutMs: number;
}

export interface RequestOptions {
  timeoutMs?: number;
  /** The operator a unicast request goes to, for the round-trip observers. */
  operatorId?: string;
  /** Trace id that travels to the server's logs. */
  requestId?: string;
  qos?: 0 | 1;
  /** The driver's access token, for the server to verify (reservations). */
  accessToken?: string;
}

/** A broadcast limited to some operators: each is asked on its own addressed topic. */
export interface ScatterOptions extends RequestOptions {
  operators?: { ids: readonly string[]; topic: (operatorId: string) => string };
}

/** A reply as received: from the JSON envelope (MQTT 3.1.1), or bare with MQTT 5 properties. */
interface ReceivedReply {
  id: string;
  operatorId: string;
  instanceId: string;
  error?: WireError;
  /** The data: parsed from the envelope, or the bare payload still as JSON text. */
  body: { value: unknown } | { json: Buffer };
}

/** One operator's answer to a broadcast request. */
export class OperatorReply<T> {
  private parsed?: { value: unknown };

  constructor(
    readonly operatorId: string,
    readonly instanceId: string,
    readonly elapsedMs: number,
    readonly error: WireError | undefined,
    private readonly body: ReceivedReply['body'],
  ) {}

  /** The data, parsed on first use. */
  get data(): T | undefined {
    if (this.error) return undefined;
    if ('value' in this.body) return this.body.value as T;
    this.parsed ??= { value: JSON.parse(this.body.json.toString()) };
    return this.parsed.value as T;
  }

  /** The data as UTF-8 JSON; when it arrived bare, the payload itself, neither decoded nor parsed. */
  get raw(): Buffer {
    return 'json' in this.body ? this.body.json : Buffer.from(JSON.stringify(this.body.value ?? null));
  }
}

/** Everything a broadcast request gathered by its deadline. */
export interface ScatterResult<T> {
  replies: OperatorReply<T>[];
  /** Live when the request left, no answer by the deadline. */
  timedOut: string[];
  /** Known operators with no server online (before or during the request). */
  offline: string[];
}

export type MqttClientStatus = 'connected' | 'disconnected' | 'reconnecting';

/** How one operator's part of a request ended, for metrics. */
export interface RoundTrip {
  operatorId: string;
  outcome: 'ok' | 'error' | 'timeout';
  seconds: number;
}

interface PendingRequest {
  accept(reply: ReceivedReply): void;
  fail(error: TransportError): void;
  operatorGone?(operatorId: string): void;
}

/**
 * Gateway side of the MQTT transport.
 *
 * Unlike the stock MQTT client it holds ONE reply subscription for its whole life
 * (`client/+/response/<clientId>`), so no reply is lost to subscribe/unsubscribe churn and
 * nobody else's replies reach it; it gathers the answers of every live operator for a
 * broadcast; and every request ends by its deadline, at once when the broker is unreachable.
 */
export class MqttClientProxy extends ClientProxy<Record<never, Function>, MqttClientStatus> {
  readonly presence = new PresenceRegistry();
  private readonly logger = new Logger(MqttClientProxy.name);
  private readonly pending = new Map<string, PendingRequest>();
  private readonly observers = new Set<(roundTrip: RoundTrip) => void>();
  private readonly eventHandlers: Array<{ filter: string; handler: (topic: string, payload: Buffer) => void }> = [];
  private readonly prefix: string;
  private mqtt?: MqttClient;
  private firstConnection?: Promise<void>;
  private outageLogged = false;

  constructor(private readonly options: MqttClientProxyOptions) {
    super();
    this.prefix = options.topicPrefix;
    this.presence.onChange((operatorId, live) => {
      if (live) return;
      for (const request of this.pending.values()) request.operatorGone?.(operatorId);
    });
  }

  get clientId(): string {
    return this.options.clientId;
  }

  get isConnected(): boolean {
    return this.mqtt?.connected ?? false;
  }

  /** Number of requests waiting for their replies. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Calls `observer` with the outcome of every operator's part of every request. */
  observe(observer: (roundTrip: RoundTrip) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Resolves when connected; rejects at once while the broker is unreachable. */
  connect(): Promise<void> {
    this.open();
    return this.isConnected ? Promise.resolve() : Promise.reject(new BrokerUnavailableError());
  }

  /** Starts connecting and waits at most `timeoutMs` for the first connection; never rejects. */
  async waitForConnection(timeoutMs: number): Promise<boolean> {
    this.open();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.firstConnection, timeout]);
    clearTimeout(timer);
    return this.isConnected;
  }

  async close(): Promise<void> {
    const client = this.mqtt;
    this.mqtt = undefined;
    this.firstConnection = undefined;
    this.failAll(new BrokerUnavailableError('The gateway is shutting down'));
    if (client) await client.endAsync();
  }

  unwrap<T = MqttClient>(): T {
    if (!this.mqtt) throw new Error('The MQTT client is not connected yet');
    return this.mqtt as T;
  }

  override on(event: string, callback: (...args: unknown[]) => void): void {
    this.open();
    this.mqtt!.on(event as 'connect', callback);
  }

  /** Sends a request to one responder (an operator-addressed topic) and resolves with its data. */
  request<T>(topic: string, data: unknown, options: RequestOptions = {}): Promise<T> {
    const started = performance.now();
    const observe = (outcome: RoundTrip['outcome']) =>
      options.operatorId && this.notify({ operatorId: options.operatorId, outcome, seconds: (performance.now() - started) / 1000 });
    return new Promise<T>((resolve, reject) => {
      this.dispatch(topic, data, options, (settle) => ({
        accept: (reply) =>
          settle(() => {
            observe(reply.error ? 'error' : 'ok');
            if (reply.error) return reject(new RemoteError(reply.error));
            try {
              resolve(valueOf(reply) as T);
            } catch {
              reject(new RemoteError({ code: ErrorCode.Internal, message: 'The reply is not valid JSON' }));
            }
          }),
        fail: (error) =>
          settle(() => {
            if (!(error instanceof BrokerUnavailableError)) observe(error instanceof RequestTimeoutError ? 'timeout' : 'error');
            reject(error);
          }),
        // The last server of the operator left (its last will): no answer will come, so do not wait for the deadline.
        operatorGone: (operatorId) =>
          operatorId === options.operatorId &&
          settle(() => {
            observe('error');
            reject(new NoResponderError(`Operator ${operatorId} went offline before answering`));
          }),
      }));
    });
  }

  /**
   * Publishes ONE request on a broadcast topic and gathers the answer of every live operator,
   * until all have answered or the deadline passes, whichever comes first. With `operators`, the
   * request goes to those operators' addressed topics instead and only they are waited for.
   */
  scatter<T>(topic: string, data: unknown, options: ScatterOptions = {}): Promise<ScatterResult<T>> {
    const chosen = options.operators;
    const expected = new Set(chosen ? chosen.ids.filter((id) => this.presence.isLive(id)) : this.presence.liveOperators());
    const offline = new Set(chosen ? chosen.ids.filter((id) => !this.presence.isLive(id)) : this.presence.offlineOperators());
    if (expected.size === 0 && this.isConnected) {
      return Promise.reject(new NoResponderError(chosen ? `None of ${chosen.ids.join(', ')} is online` : 'No operator is online'));
    }
    const topics = chosen ? [...expected].map((operatorId) => chosen.topic(operatorId)) : [topic];
    return new Promise<ScatterResult<T>>((resolve, reject) => {
      const started = performance.now();
      const replies = new Map<string, OperatorReply<T>>();
      this.dispatch(topics, data, options, (settle) => {
        const finish = () =>
          settle(() => {
            const timedOut = [...expected].filter((operatorId) => !replies.has(operatorId));
            for (const reply of replies.values()) {
              this.notify({ operatorId: reply.operatorId, outcome: reply.error ? 'error' : 'ok', seconds: reply.elapsedMs / 1000 });
            }
            const seconds = (performance.now() - started) / 1000;
            for (const operatorId of timedOut) this.notify({ operatorId, outcome: 'timeout', seconds });
            resolve({ replies: [...replies.values()], timedOut, offline: [...offline] });
          });
        const finishWhenComplete = () => {
          if (expected.size === 0 || [...expected].every((operatorId) => replies.has(operatorId))) finish();
        };
        return {
          accept: (reply) => {
            // Without shared subscriptions every replica answers: the first one counts.
            if (replies.has(reply.operatorId)) return;
            const elapsedMs = Math.round((performance.now() - started) * 10) / 10;
            replies.set(reply.operatorId, new OperatorReply<T>(reply.operatorId, reply.instanceId, elapsedMs, reply.error, reply.body));
            offline.delete(reply.operatorId);
            finishWhenComplete();
          },
          fail: (error) => (error instanceof RequestTimeoutError ? finish() : settle(() => reject(error))),
          operatorGone: (operatorId) => {
            if (!expected.has(operatorId) || replies.has(operatorId)) return;
            expected.delete(operatorId);
            offline.add(operatorId);
            finishWhenComplete();
          },
        };
      });
    });
  }

  /**
   * Receives the messages of an event topic filter (prefix applied) for the client's whole life,
   * across reconnections. `handler` gets the topic without the prefix.
   */
  subscribeEvents(filter: string, handler: (topic: string, payload: Buffer) => void): void {
    this.eventHandlers.push({ filter, handler });
    if (this.mqtt?.connected) this.mqtt.subscribe(this.prefix + filter, { qos: 1 });
  }

  /** Nest's `send()` path: a request with the default deadline. */
  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const topic = this.normalizePattern(packet.pattern as string);
    const id = this.dispatch(topic, packet.data, {}, (settle) => ({
      accept: (reply) =>
        settle(() =>
          callback(
            reply.error
              ? { err: new RemoteError(reply.error), isDisposed: true }
              : { response: valueOf(reply), isDisposed: true },
          ),
        ),
      fail: (error) => settle(() => callback({ err: error, isDisposed: true })),
    }));
    return () => this.pending.delete(id);
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    await this.connect();
    await this.mqtt!.publishAsync(this.prefix + this.normalizePattern(packet.pattern as string), JSON.stringify(packet.data));
    return undefined as T;
  }

  /**
   * Registers a pending request, publishes its envelope and arms its deadline. `makeHandlers`
   * receives `settle`, which runs a completion exactly once and releases the request.
   */
  private dispatch(
    topic: string | string[],
    data: unknown,
    options: RequestOptions,
    makeHandlers: (settle: (complete: () => void) => void) => PendingRequest,
  ): string {
    const id = randomUUID();
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    const state: { settled: boolean; timer?: NodeJS.Timeout } = { settled: false };
    const settle = (complete: () => void) => {
      if (state.settled) return;
      state.settled = true;
      clearTimeout(state.timer);
      this.pending.delete(id);
      complete();
    };
    const handlers = makeHandlers(settle);
    const client = this.mqtt;
    if (!client?.connected) {
      this.open();
      handlers.fail(new BrokerUnavailableError());
      return id;
    }
    const topics = typeof topic === 'string' ? [topic] : topic;
    const resource = resourceOfRequest(topics[0]);
    if (!resource || !topics.every((t) => resourceOfRequest(t) === resource)) throw new Error(`Not request topics of one resource: ${topics.join(', ')}`);

    this.pending.set(id, handlers);
    state.timer = setTimeout(() => handlers.fail(new RequestTimeoutError(timeoutMs)), timeoutMs);
    const envelope: RequestEnvelope = {
      id,
      reply_to: Topics.response(resource, this.options.clientId),
      request_id: options.requestId,
      expires_at: Date.now() + timeoutMs,
      bare_reply: this.options.protocolVersion === 5 || undefined,
      access_token: options.accessToken,
      data,
    };
    const publishOptions: IClientPublishOptions = { qos: options.qos ?? 0 };
    if (this.options.protocolVersion === 5) {
      // Whole seconds, never past the deadline (expires_at in the envelope is exact).
      publishOptions.properties = { messageExpiryInterval: Math.max(1, Math.floor(timeoutMs / 1000)) };
    }
    const payload = JSON.stringify(envelope);
    for (const target of topics) {
      client.publish(this.prefix + target, payload, publishOptions, (err) => {
        if (err) handlers.fail(new BrokerUnavailableError(`Publish failed: ${err.message}`));
      });
    }
    return id;
  }

  private open(): void {
    if (this.mqtt) return;
    const client = openMqttConnection(this.options, { resubscribe: false });
    this.mqtt = client;
    this.firstConnection = new Promise<void>((resolve) => client.once('connect', () => resolve()));
    client.on('connect', () => {
      const subscriptions = [
        this.prefix + Topics.responseFilter(this.options.clientId),
        this.prefix + Topics.presenceFilter,
        ...this.eventHandlers.map(({ filter }) => this.prefix + filter),
      ];
      this.outageLogged = false;
      this._status$.next('connected');
      this.logger.log(`Connected to ${this.options.url} as ${this.options.clientId}`);
      client.subscribe(subscriptions, { qos: 1 }, (err, granted) => {
        const refused = granted?.filter((grant) => grant.qos > 2).map((grant) => grant.topic) ?? [];
        if (err || refused.length > 0) {
          this.logger.error(`Subscription refused (${err?.message ?? refused.join(', ')}): replies cannot arrive`);
        }
      });
    });
    client.on('close', () => {
      if (this.mqtt !== client) return;
      this._status$.next('disconnected');
      this.presence.clearInstances();
      this.failAll(new BrokerUnavailableError('Connection to the message broker lost'));
    });
    client.on('reconnect', () => this._status$.next('reconnecting'));
    client.on('error', (err) => {
      if (this.outageLogged || this.mqtt !== client) return;
      this.outageLogged = true;
      this.logger.warn(`MQTT connection to ${this.options.url} failed: ${err.message}; retrying`);
    });
    client.on('message', (topic, payload, packet) => this.onMessage(topic, payload, packet));
  }

  private onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (!topic.startsWith(this.prefix)) return;
    const unprefixed = topic.slice(this.prefix.length);
    const presence = parsePresenceTopic(unprefixed);
    if (presence) {
      this.presence.update(presence.operatorId, presence.instanceId, payload);
      return;
    }
    const events = this.eventHandlers.filter(({ filter }) => topicMatches(filter, unprefixed));
    if (events.length > 0) {
      for (const { handler } of events) handler(unprefixed, payload);
      return;
    }
    const reply = packet.properties?.correlationData ? bareReply(payload, packet.properties) : envelopeReply(payload);
    if (!reply) {
      this.logger.warn(`Dropped a malformed reply on ${topic}`);
      return;
    }
    // Unknown ids are late replies to requests that already timed out.
    this.pending.get(reply.id)?.accept(reply);
  }

  private notify(roundTrip: RoundTrip): void {
    for (const observer of this.observers) observer(roundTrip);
  }

  private failAll(error: TransportError): void {
    for (const request of [...this.pending.values()]) request.fail(error);
  }
}

function valueOf(reply: ReceivedReply): unknown {
  return 'value' in reply.body ? reply.body.value : JSON.parse(reply.body.json.toString());
}

/** A reply in the JSON envelope. */
function envelopeReply(payload: Buffer): ReceivedReply | undefined {
  let envelope: unknown;
  try {
    envelope = JSON.parse(payload.toString());
  } catch {
    return undefined;
  }
  if (!isReplyEnvelope(envelope)) return undefined;
  return {
    id: envelope.id,
    operatorId: envelope.operator_id,
    instanceId: envelope.instance_id,
    error: envelope.error,
    body: { value: envelope.data },
  };
}

/** A bare MQTT 5 reply: the id and the sender in properties, the data (or error) as the payload. */
function bareReply(payload: Buffer, properties: NonNullable<IPublishPacket['properties']>): ReceivedReply | undefined {
  const { operator_id: operatorId, instance_id: instanceId, error } = properties.userProperties ?? {};
  if (typeof operatorId !== 'string' || typeof instanceId !== 'string') return undefined;
  const reply: ReceivedReply = { id: properties.correlationData!.toString(), operatorId, instanceId, body: { json: payload } };
  if (error === 'true') {
    try {
      reply.error = JSON.parse(payload.toString()) as WireError;
    } catch {
      return undefined;
    }
  }
  return reply;
}
