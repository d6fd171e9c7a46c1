import { Logger } from '@nestjs/common';
import { BaseRpcContext, ServerMqtt, type MessageHandler, type WritePacket } from '@nestjs/microservices';
import type { IPublishPacket, MqttClient } from 'mqtt';
import { isObservable, lastValueFrom } from 'rxjs';
import type { PresenceMessage } from '../dto/presence.dto.js';
import { ErrorCode, type WireError } from '../errors/error-codes.js';
import { isRequestEnvelope, type ReplyEnvelope, type RequestEnvelope } from './envelope.js';
import { openMqttConnection, type MqttConnectionOptions } from './mqtt-connection.js';
import { RawJson } from './raw-json.js';
import { MAX_NESTING, nestedDeeperThan } from '../validation/nesting.js';
import { isResponseTopic, OPERATOR_PLACEHOLDER, Topics } from './topics.js';

export interface MqttServerOptions extends MqttConnectionOptions {
  operatorId: string;
  operatorName: string;
  /** Unique per replica; names its presence topic. */
  instanceId: string;
  /** Larger messages are dropped unread. */
  maxPayloadBytes: number;
}

/** RPC context of a message: the topic (without prefix), the raw packet and, for requests, the envelope. */
export class MqttRequestContext extends BaseRpcContext<[string, IPublishPacket, RequestEnvelope | undefined]> {
  getTopic(): string {
    return this.args[0];
  }

  getPacket(): IPublishPacket {
    return this.args[1];
  }

  getEnvelope(): RequestEnvelope | undefined {
    return this.args[2];
  }

  /** The end-to-end trace id of the request, when the requester gave one. */
  getRequestId(): string | undefined {
    return this.args[2]?.request_id;
  }

  /** The driver's access token the requester forwarded, not yet verified. */
  getAccessToken(): string | undefined {
    return this.args[2]?.access_token;
  }
}

/**
 * Station-server side of the MQTT transport, used with @MessagePattern / @EventPattern.
 *
 * Replicas of one operator share each subscription (`$share/<operatorId>/...`) so a request is
 * handled once per operator; replies go to the requester's own topic named in the envelope;
 * anything malformed is logged and dropped or answered with an error reply, never thrown; the
 * replica's presence is retained while it is online and cleared by its last will.
 */
export class MqttServer extends ServerMqtt {
  private readonly log = new Logger(MqttServer.name);
  private readonly prefix: string;
  private readonly presenceTopic: string;
  private routes: Array<[string, MessageHandler]> = [];
  private filters: string[] = [];
  private closing = false;
  private inFlight = 0;
  private drained?: () => void;

  constructor(private readonly config: MqttServerOptions) {
    super({ url: config.url });
    this.prefix = config.topicPrefix;
    this.presenceTopic = this.prefix + Topics.presence(config.operatorId, config.instanceId);
  }

  override createMqttClient(): Promise<MqttClient> {
    const client = openMqttConnection(this.config, {
      will: { topic: this.presenceTopic, payload: Buffer.alloc(0), retain: true, qos: 1 },
    });
    const presence: PresenceMessage = {
      operator_id: this.config.operatorId,
      operator_name: this.config.operatorName,
      instance_id: this.config.instanceId,
      started_at: new Date().toISOString(),
    };
    // Announced on every (re)connection: a dropped connection fired the will and cleared it.
    client.on('connect', () => {
      this.log.log(`Connected to ${this.config.url} as ${this.config.clientId}`);
      client.publish(this.presenceTopic, JSON.stringify(presence), { qos: 1, retain: true });
    });
    return Promise.resolve(client);
  }

  override bindEvents(client: MqttClient): void {
    this.routes = [...this.messageHandlers].map(([pattern, handler]) => [this.resolvePattern(pattern), handler]);
    client.on('message', (topic, payload, packet) => {
      this.onMessage(client, topic, payload, packet).catch((err: unknown) => this.handleError(String(err)));
    });
    this.filters = [];
    for (const [topic, handler] of this.routes) {
      // `shared: false` in a handler's extras: every replica receives each message (e.g. to follow the others' writes).
      const shared = this.config.sharedSubscriptions && handler.extras?.shared !== false;
      const filter = shared ? `$share/${this.config.operatorId}/${this.prefix}${topic}` : this.prefix + topic;
      this.filters.push(filter);
      client.subscribe(filter, { qos: (handler.extras?.qos as 0 | 1 | undefined) ?? 0 });
    }
  }

  /**
   * Graceful stop: takes no new request, lets the handlers that run finish and answer, clears this
   * replica's presence (gateways stop waiting for it), then disconnects.
   */
  // Nest awaits close() on shutdown, though the base class declares it void.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  override async close(): Promise<void> {
    const client = this.mqttClient as MqttClient | undefined;
    if (!client) return;
    this.closing = true;
    if (client.connected && this.filters.length > 0) await client.unsubscribeAsync(this.filters).catch(() => undefined);
    if (this.inFlight > 0) {
      this.log.log(`Finishing ${this.inFlight} request(s) in flight`);
      await new Promise<void>((resolve) => (this.drained = resolve));
    }
    if (client.connected) {
      await client.publishAsync(this.presenceTopic, Buffer.alloc(0), { qos: 1, retain: true }).catch(() => undefined);
    }
    await client.endAsync();
  }

  /**
   * Publishes an event of this replica (the topic prefix is applied). Resolves false when it could
   * not be handed to the broker (disconnected); QoS 1 messages are then lost, as events may be.
   */
  async publishEvent(topic: string, payload: unknown, qos: 0 | 1 = 1): Promise<boolean> {
    const client = this.mqttClient as MqttClient | undefined;
    if (!client?.connected) return false;
    return client
      .publishAsync(this.prefix + topic, JSON.stringify(payload), { qos })
      .then(() => true)
      .catch(() => false);
  }

  override getHandlerByPattern(topic: string): MessageHandler | null {
    for (const [pattern, handler] of this.routes) {
      if (pattern === topic || this.matchMqttPattern(pattern, topic)) return handler;
    }
    return null;
  }

  private resolvePattern(pattern: string): string {
    return pattern.replace(OPERATOR_PLACEHOLDER, this.config.operatorId);
  }

  private async onMessage(client: MqttClient, fullTopic: string, payload: Buffer, packet: IPublishPacket) {
    if (!fullTopic.startsWith(this.prefix)) return;
    const topic = fullTopic.slice(this.prefix.length);
    const handler = this.getHandlerByPattern(topic);
    if (!handler) return;
    if (payload.length > this.config.maxPayloadBytes) {
      this.log.warn(`Dropped a ${payload.length}-byte message on ${topic}: over the ${this.config.maxPayloadBytes}-byte limit`);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(payload.toString());
    } catch {
      this.log.warn(`Dropped a message on ${topic} that is not JSON`);
      return;
    }

    if (this.closing) return;
    if (nestedDeeperThan(body)) {
      // Validating such a value would exhaust the stack: refuse it before any handler sees it.
      if (!handler.isEventHandler && isRequestEnvelope(body) && isResponseTopic(body.reply_to)) {
        const error: WireError = { code: ErrorCode.InvalidPayload, message: `data is nested deeper than ${MAX_NESTING} levels` };
        this.replyPublisher(client, body, packet.qos === 0 ? 0 : 1)({ err: error, isDisposed: true });
      } else {
        this.log.warn(`Dropped a message on ${topic} nested deeper than ${MAX_NESTING} levels`);
      }
      return;
    }
    if (handler.isEventHandler) {
      // Nest would drop a failed event in silence: what was wrong with it is logged instead.
      const result: unknown = await handler(body, new MqttRequestContext([topic, packet, undefined]));
      if (isObservable(result)) {
        await lastValueFrom(result, { defaultValue: undefined }).catch((err: unknown) => {
          this.log.warn(`Dropped a message on ${topic}: ${toWireError(err).message}`);
        });
      }
      return;
    }
    if (!isRequestEnvelope(body) || !isResponseTopic(body.reply_to)) {
      this.log.warn(`Dropped a request on ${topic} without a valid id and reply_to`);
      return;
    }
    if (body.expires_at !== undefined && body.expires_at < Date.now()) {
      this.log.warn(`Dropped request ${body.id} on ${topic}: it expired before it could be handled`);
      return;
    }
    const context = new MqttRequestContext([topic, packet, body]);
    const publish = this.replyPublisher(client, body, packet.qos === 0 ? 0 : 1);
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      if (--this.inFlight === 0) this.drained?.();
    };
    this.inFlight++;
    const respond = (reply: WritePacket) => {
      publish(reply);
      if (reply.isDisposed || (reply.err !== undefined && reply.err !== null)) finish();
    };
    // handleRequest is typed void but returns the processing promise.
    const processing = this.handleRequest(context, async () => this.transformToObservable(await handler(body.data, context)), respond) as unknown;
    await Promise.resolve(processing).catch((err: unknown) => {
      finish();
      throw err;
    });
  }

  private replyPublisher(client: MqttClient, request: RequestEnvelope, qos: 0 | 1) {
    const topic = this.prefix + request.reply_to;
    const bare = request.bare_reply === true && this.config.protocolVersion === 5;
    return (packet: WritePacket) => {
      const failed = packet.err !== undefined && packet.err !== null;
      const body = failed ? JSON.stringify(toWireError(packet.err)) : serialize(packet.response);
      if (bare) {
        const userProperties: Record<string, string> = { operator_id: this.config.operatorId, instance_id: this.config.instanceId };
        if (failed) userProperties.error = 'true';
        client.publish(topic, body, { qos, properties: { correlationData: Buffer.from(request.id), userProperties } });
        return;
      }
      // The envelope is assembled around the body, which may be JSON kept by the handler.
      const header: Omit<ReplyEnvelope, 'data' | 'error'> = {
        id: request.id,
        operator_id: this.config.operatorId,
        instance_id: this.config.instanceId,
      };
      client.publish(topic, `${JSON.stringify(header).slice(0, -1)},"${failed ? 'error' : 'data'}":${body}}`, { qos });
    };
  }
}

function serialize(response: unknown): string {
  return response instanceof RawJson ? response.json : JSON.stringify(response ?? null);
}

/** Normalizes what an RPC exception filter produced into the wire error shape. */
export function toWireError(err: unknown): WireError {
  if (typeof err === 'object' && err !== null) {
    const { code, message, details } = err as Partial<WireError>;
    if (typeof code === 'string' && typeof message === 'string') return { code, message, details };
  }
  return { code: ErrorCode.Internal, message: 'Internal server error' };
}
