import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import mqtt from 'mqtt';
import type { IClientOptions, MqttClient } from 'mqtt';
import type { MqttEnvironment } from './mqtt-env.js';

/** How a gateway or server reaches the broker. */
export interface MqttConnectionOptions {
  url: string;
  /** Unique per process: two connections with one id kick each other off the broker. */
  clientId: string;
  username?: string;
  password?: string;
  protocolVersion: 4 | 5;
  topicPrefix: string;
  reconnectPeriodMs: number;
  connectTimeoutMs: number;
  sharedSubscriptions: boolean;
}

/** A client id base plus a random suffix, so replicas started from one config never collide. */
export function uniqueClientId(base: string): string {
  return `${base}-${randomBytes(4).toString('hex')}`;
}

/** Reads the MQTT settings from a validated config (Nest's ConfigService or a plain lookup). */
export function connectionOptionsFromConfig(
  config: { get(key: keyof MqttEnvironment): unknown },
  defaultClientId: string,
): MqttConnectionOptions {
  const get = <K extends keyof MqttEnvironment>(key: K) => config.get(key) as MqttEnvironment[K];
  const broker = get('MQTT_BROKER');
  return {
    url: `mqtt://${broker.includes(':') ? `[${broker}]` : broker}:${get('MQTT_PORT')}`,
    clientId: uniqueClientId(get('MQTT_CLIENT_ID') ?? defaultClientId),
    username: get('MQTT_USERNAME'),
    password: get('MQTT_PASSWORD'),
    protocolVersion: get('MQTT_PROTOCOL_VERSION'),
    topicPrefix: get('MQTT_TOPIC_PREFIX'),
    reconnectPeriodMs: get('MQTT_RECONNECT_PERIOD_MS'),
    connectTimeoutMs: get('MQTT_CONNECT_TIMEOUT_MS'),
    sharedSubscriptions: get('MQTT_SHARED_SUBSCRIPTIONS'),
  };
}

/**
 * Opens an mqtt.js connection tuned for request/reply: clean sessions, nothing queued while
 * offline (a late request is worse than a failed one), and Nagle off on every (re)connected
 * socket, which takes QoS 1 round trips from tens of milliseconds to about one.
 */
export function openMqttConnection(options: MqttConnectionOptions, extra: Partial<IClientOptions> = {}): MqttClient {
  const client = mqtt.connect(options.url, {
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    protocolVersion: options.protocolVersion,
    clean: true,
    resubscribe: true,
    queueQoSZero: false,
    reconnectPeriod: options.reconnectPeriodMs,
    connectTimeout: options.connectTimeoutMs,
    keepalive: 30,
    ...extra,
  });
  client.on('connect', () => (client.stream as Partial<Socket>).setNoDelay?.(true));
  return client;
}
