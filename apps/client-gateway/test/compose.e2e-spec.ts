import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChargerStatus, Topics, type RequestEnvelope, type StationEventDto } from '@app/shared';
import { parse } from 'yaml';
import { AppProcess } from '../../../test/support/app-process.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { eventually } from '../../../test/support/eventually.js';
import { signJwt } from '../../../test/support/jwt.js';
import { plainClient } from '../../../test/support/mqtt.js';
import { hasMosquitto, startDeployedMosquitto } from '../../../test/support/own-broker.js';
import { BUILT_APPS, REPO_ROOT } from '../../../test/support/paths.js';
import { freePort } from '../../../test/support/ports.js';
import { nextMatching, openStream } from '../../../test/support/sse.js';
import type { BrokerAddress } from '../../../test/support/test-system.js';

interface ComposeService {
  build?: { args?: { APP?: string } };
  environment?: string[];
  volumes?: string[];
}

const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };
// The compose file runs on PostgreSQL and an authenticated Mosquitto: both are needed here.
const runnable = hasMosquitto() && !!process.env.DATABASE_URL;

/** The environment docker-compose.yml gives a service, as a map. */
function environmentOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries((service.environment ?? []).map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

/** Container path -> repository path, from the broker's bind mounts. */
function mounts(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    (service.volumes ?? [])
      .filter((volume) => volume.startsWith('./'))
      .map((volume) => {
        const [source, target] = volume.split(':');
        return [target, join(REPO_ROOT, source)];
      }),
  );
}

(runnable ? describe : describe.skip)('the compose deployment, run as processes', () => {
  const processes: AppProcess[] = [];
  const databases: TestDatabase[] = [];
  const gateways: Record<string, { url: string; process: AppProcess }> = {};
  let mosquitto: { address: BrokerAddress; stop(): Promise<void> };
  let broker: BrokerAddress;

  beforeAll(async () => {
    // The files the compose file mounts into the broker, with only the listener and the data folder moved.
    const files = mounts(compose.services.broker);
    mosquitto = await startDeployedMosquitto({
      config: files['/mosquitto/config/mosquitto.conf'],
      passwd: files['/mosquitto/config/passwd'],
      acl: files['/mosquitto/config/acl'],
    });
    broker = mosquitto.address;
    const { port } = broker;
    await eventually(async () => (await plainClient(broker, { username: 'healthcheck', password: 'healthcheck-demo-password' })).endAsync(), 10_000);

    for (const [name, service] of Object.entries(compose.services)) {
      const app = service.build?.args?.APP;
      if (!app) continue;
      const env = environmentOf(service);
      // Hostnames become 127.0.0.1; ports that would collide on one host become free ones.
      env.MQTT_BROKER = '127.0.0.1';
      env.MQTT_PORT = String(port);
      if (env.STATIONS_FILE) env.STATIONS_FILE = env.STATIONS_FILE.replace(/^\/app\/data\//, join(REPO_ROOT, 'apps/station-server/data/'));
      if (env.DATABASE_URL) {
        const database = (await createTestDatabase())!;
        databases.push(database);
        env.DATABASE_URL = database.url;
      }
      if (env.HEALTH_PORT) env.HEALTH_PORT = String(await freePort());
      if (app === 'client-gateway') env.PORT = String(await freePort());
      const child = new AppProcess(name, app === 'client-gateway' ? BUILT_APPS.gateway : BUILT_APPS.stationServer, env);
      processes.push(child);
      if (app === 'client-gateway') gateways[name] = { url: `http://127.0.0.1:${env.PORT}`, process: child };
    }
    await Promise.all(processes.map((p) => p.waitForLog(/online as|Client gateway on/, 60_000)));
  }, 240_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGTERM', 5000)));
    await mosquitto?.stop();
    await Promise.all(databases.map((d) => d.drop().catch(() => undefined)));
  });

  it('answers GET /postos with every operator on both gateways', async () => {
    expect(Object.keys(gateways).sort()).toEqual(['client_servidor_1', 'client_servidor_2']);
    for (const gateway of Object.values(gateways)) {
      const body = await eventually(async () => {
        const response = await fetch(`${gateway.url}/postos`);
        expect(response.status).toBe(200);
        const json = (await response.json()) as { operators: { answered: string[] } };
        expect(json.operators.answered).toEqual(['BR-FSA', 'BR-SSA', 'BR-VDC']);
        return json;
      }, 30_000);
      expect(body.operators.answered).toHaveLength(3);
    }
  });

  it("books with a token of the compose file's driver-token settings on one gateway and reads it on the other", async () => {
    const env = environmentOf(compose.services.client_servidor_1);
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt({ sub: 'compose-driver', iss: env.AUTH_JWT_ISSUER, aud: env.AUTH_JWT_AUDIENCE, iat: now, exp: now + 600 }, env.AUTH_JWT_SECRET, 'HS256');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const booking = { operator_id: 'BR-SSA', station_id: 'SSA-001', evse_uid: 'SSA-001-E1', token: 'compose-card', starts_at: new Date(Date.now() + 3_600_000).toISOString(), duration_minutes: 15 };
    const created = await eventually(async () => {
      const response = await fetch(`${gateways.client_servidor_1.url}/reservas`, { method: 'POST', headers, body: JSON.stringify(booking) });
      expect(response.status).toBe(201);
      return (await response.json()) as { id: string };
    }, 30_000);
    const read = await fetch(`${gateways.client_servidor_2.url}/reservas/${created.id}`, { headers });
    expect(read.status).toBe(200);
    expect((await fetch(`${gateways.client_servidor_2.url}/reservas/${created.id}`)).status).toBe(401);
  });

  it('refuses a client with the wrong password, and one with no credentials', async () => {
    await expect(plainClient(broker, { username: 'gateway-1', password: 'not-the-password' })).rejects.toThrow(/authori/i);
    await expect(plainClient(broker)).rejects.toThrow(/authori/i);
  });

  it("passes a charger's status to the gateways' live events, and keeps a charger off other operators' topics", async () => {
    const stream = await openStream(`${gateways.client_servidor_2.url}/postos/eventos?station=FSA-001`);
    const charger = await plainClient(broker, { username: 'charger-fsa', password: 'charger-fsa-demo-password' });
    try {
      const notification = JSON.stringify({ status: ChargerStatus.Faulted, timestamp: new Date().toISOString() });
      if (broker.protocolVersion === 5) {
        // MQTT 5 tells the publisher it was refused; on 3.1.1 the broker drops the message in silence.
        await expect(charger.publishAsync(Topics.evseStatus('BR-SSA', 'SSA-001', 'SSA-001-E1'), notification, { qos: 1 })).rejects.toThrow(/authori/i);
      }
      await charger.publishAsync(Topics.evseStatus('BR-FSA', 'FSA-001', 'FSA-001-E3'), notification, { qos: 1 });
      await expect(nextMatching<StationEventDto>(stream, (e) => e.evse_uid === 'FSA-001-E3', 30_000)).resolves.toMatchObject({
        operator_id: 'BR-FSA',
        status: 'OUTOFORDER',
      });
    } finally {
      stream.close();
      await charger.endAsync();
    }
  });

  it("keeps a gateway's replies from every other client id", async () => {
    const first = gateways.client_servidor_1;
    const clientId = /as (cliente1-[0-9a-f]+)/.exec(first.process.log)![1];
    const spyId = `cliente9-${randomUUID().slice(0, 8)}`;
    const spy = await plainClient(broker, { username: 'gateway-2', password: 'gateway-2-demo-password', clientId: spyId });
    const seen: string[] = [];
    spy.on('message', (topic) => seen.push(topic));
    try {
      await spy.subscribeAsync([Topics.response('postos', clientId), 'client/+/response/#'], { qos: 0 });
      expect((await fetch(`${first.url}/postos`)).status).toBe(200);
      // A round trip of the spy's own after that reply: what the broker would have sent it has arrived by then.
      const probe: RequestEnvelope = { id: randomUUID(), reply_to: Topics.response('postos', spyId), data: {} };
      await spy.publishAsync(Topics.stationsRequest, JSON.stringify(probe), { qos: 0 });
      await eventually(() => expect(seen).toContain(Topics.response('postos', spyId)));
      expect(seen.filter((topic) => topic !== Topics.response('postos', spyId))).toEqual([]);
    } finally {
      await spy.endAsync();
    }
  });
});
