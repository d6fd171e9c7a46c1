import { randomBytes } from 'node:crypto';
import { AppProcess } from './app-process.js';
import { TestAuth } from './jwt.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { BUILT_APPS, demoDataset } from './paths.js';
import { freePort } from './ports.js';

export interface BrokerAddress {
  host: string;
  port: number;
  protocolVersion: 4 | 5;
  sharedSubscriptions: boolean;
}

export interface Gateway {
  url: string;
  process: AppProcess;
}

/** The broker the test run uses (see global-setup). */
export function runBroker(): BrokerAddress {
  return {
    host: process.env.MQTT_BROKER ?? '127.0.0.1',
    port: Number(process.env.MQTT_PORT ?? 1883),
    protocolVersion: process.env.MQTT_PROTOCOL_VERSION === '4' ? 4 : 5,
    sharedSubscriptions: process.env.MQTT_SHARED_SUBSCRIPTIONS !== 'false',
  };
}

/**
 * Station servers and gateways of one test file, isolated from every other test on the same
 * broker by a topic prefix of their own, each server with a database of its own unless shared.
 */
export class TestSystem {
  readonly topicPrefix = `t/${randomBytes(4).toString('hex')}/`;
  /** Driver-token settings every app of this system verifies with; `auth.token(driver)` signs one. */
  readonly auth = new TestAuth();
  private readonly processes: AppProcess[] = [];
  private readonly databases: TestDatabase[] = [];

  constructor(readonly broker: BrokerAddress = runBroker()) {}

  /** Environment every app of this system gets. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      MQTT_BROKER: this.broker.host,
      MQTT_PORT: String(this.broker.port),
      MQTT_PROTOCOL_VERSION: String(this.broker.protocolVersion),
      MQTT_SHARED_SUBSCRIPTIONS: String(this.broker.sharedSubscriptions),
      MQTT_TOPIC_PREFIX: this.topicPrefix,
      MQTT_RECONNECT_PERIOD_MS: '200',
      ...this.auth.env(),
      ...extra,
    };
  }

  /** A fresh PostgreSQL database (dropped at shutdown), or undefined when the run uses PGlite. */
  async database(): Promise<TestDatabase | undefined> {
    const database = await createTestDatabase();
    if (database) this.databases.push(database);
    return database;
  }

  /** Starts a station server with the operator's demo dataset and waits until it is online. */
  async stationServer(
    operatorId: string,
    options: { database?: TestDatabase | null; env?: Record<string, string>; waitOnline?: boolean } = {},
  ): Promise<AppProcess> {
    const database = options.database === undefined ? await this.database() : options.database;
    const env = this.env({
      OPERATOR_ID: operatorId,
      STATIONS_FILE: demoDataset(operatorId),
      ...(database ? { DATABASE_URL: database.url } : { DATA_DIR: 'memory://' }),
      ...options.env,
    });
    const server = this.track(new AppProcess(`station-server ${operatorId}`, BUILT_APPS.stationServer, env));
    if (options.waitOnline !== false) await server.waitForLog(/online as/, 120_000);
    return server;
  }

  /** Starts a gateway on a free port and waits until it listens. */
  async gateway(env: Record<string, string> = {}): Promise<Gateway> {
    const port = await freePort();
    const gateway = this.track(
      new AppProcess(`gateway :${port}`, BUILT_APPS.gateway, this.env({ PORT: String(port), REQUEST_TIMEOUT_MS: '2000', RATE_LIMIT_MAX: '0', ...env })),
    );
    await gateway.waitForLog(/Client gateway on/, 30_000);
    return { url: `http://127.0.0.1:${port}`, process: gateway };
  }

  /** Stops every process (SIGKILL after a grace period) and drops the databases. */
  async shutdown(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop('SIGTERM', 5000)));
    await Promise.all(this.databases.map((d) => d.drop().catch(() => undefined)));
  }

  private track(process: AppProcess): AppProcess {
    this.processes.push(process);
    return process;
  }
}
