#!/usr/bin/env -S node --import tsx
// npm run simulate: a plain MQTT client that plays the chargers of the demo operators, publishing
// OCPP-like status notifications (Available -> Preparing -> Charging -> Finishing -> Available, now
// and then a fault or a pause) on each EVSE's status topic.
//   --rate=1              notifications per second, over all EVSEs
//   --operators=BR-FSA    only these operators (comma-separated); default: every dataset in --data
//   --count=0             stop after this many notifications (0: run until stopped)
//   --data=apps/station-server/data
// Broker from MQTT_BROKER / MQTT_PORT (default 127.0.0.1:1883), MQTT_USERNAME / MQTT_PASSWORD and
// MQTT_TOPIC_PREFIX like the apps.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { ChargerStatus } from '../libs/shared/src/enums/ocpp.enums.js';
import { Topics } from '../libs/shared/src/mqtt/topics.js';

interface DatasetStation {
  id: string;
  country_code: string;
  party_id: string;
  evses: Array<{ uid: string; status: string; connectors: Array<{ id: string }> }>;
}

interface SimulatedEvse {
  operatorId: string;
  stationId: string;
  uid: string;
  connectorId?: string;
  status: ChargerStatus;
}

/** Where a charger goes next, with weights. */
const NEXT: Record<ChargerStatus, Array<[ChargerStatus, number]>> = {
  [ChargerStatus.Available]: [
    [ChargerStatus.Preparing, 90],
    [ChargerStatus.Unavailable, 6],
    [ChargerStatus.Faulted, 4],
  ],
  [ChargerStatus.Preparing]: [
    [ChargerStatus.Charging, 90],
    [ChargerStatus.Available, 10],
  ],
  [ChargerStatus.Charging]: [
    [ChargerStatus.Finishing, 75],
    [ChargerStatus.SuspendedEV, 25],
  ],
  [ChargerStatus.SuspendedEV]: [[ChargerStatus.Charging, 1]],
  [ChargerStatus.SuspendedEVSE]: [[ChargerStatus.Charging, 1]],
  [ChargerStatus.Finishing]: [[ChargerStatus.Available, 1]],
  [ChargerStatus.Occupied]: [[ChargerStatus.Available, 1]],
  [ChargerStatus.Reserved]: [[ChargerStatus.Available, 1]],
  [ChargerStatus.Unavailable]: [[ChargerStatus.Available, 1]],
  [ChargerStatus.Faulted]: [[ChargerStatus.Available, 1]],
};

/** The charger status a dataset's OCPI status starts from. */
const INITIAL: Record<string, ChargerStatus> = {
  AVAILABLE: ChargerStatus.Available,
  CHARGING: ChargerStatus.Charging,
  RESERVED: ChargerStatus.Available,
  INOPERATIVE: ChargerStatus.Unavailable,
  OUTOFORDER: ChargerStatus.Faulted,
  BLOCKED: ChargerStatus.Occupied,
};

const options = Object.fromEntries(
  process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? 'true']),
) as Record<string, string | undefined>;
const rate = Number(options.rate ?? 1);
const count = Number(options.count ?? 0);
const dataFolder = options.data ?? join(import.meta.dirname, '..', 'apps', 'station-server', 'data');
const only = options.operators?.split(',').map((id) => id.trim().toUpperCase());
const prefix = process.env.MQTT_TOPIC_PREFIX ?? '';

function say(line: string): void {
  process.stdout.write(`[simulator] ${line}\n`);
}

function loadEvses(): SimulatedEvse[] {
  const evses: SimulatedEvse[] = [];
  for (const file of readdirSync(dataFolder).filter((name) => name.endsWith('.json')).sort()) {
    for (const station of JSON.parse(readFileSync(join(dataFolder, file), 'utf8')) as DatasetStation[]) {
      const operatorId = `${station.country_code}-${station.party_id}`;
      if (only && !only.includes(operatorId)) continue;
      for (const evse of station.evses) {
        const status = INITIAL[evse.status];
        if (status) evses.push({ operatorId, stationId: station.id, uid: evse.uid, connectorId: evse.connectors[0]?.id, status });
      }
    }
  }
  return evses;
}

function pick<T>(choices: Array<[T, number]>): T {
  let roll = Math.random() * choices.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [choice, weight] of choices) {
    roll -= weight;
    if (roll < 0) return choice;
  }
  return choices[choices.length - 1][0];
}

async function main(): Promise<void> {
  if (!(rate > 0)) throw new Error('--rate must be a positive number of notifications per second');
  const evses = loadEvses();
  if (evses.length === 0) throw new Error(`No EVSEs to simulate in ${dataFolder}${only ? ` for ${only.join(', ')}` : ''}`);
  const url = `mqtt://${process.env.MQTT_BROKER ?? '127.0.0.1'}:${process.env.MQTT_PORT ?? '1883'}`;
  const client = await mqtt.connectAsync(url, {
    clientId: `charger-simulator-${process.pid}`,
    username: process.env.MQTT_USERNAME || undefined,
    password: process.env.MQTT_PASSWORD || undefined,
    protocolVersion: process.env.MQTT_PROTOCOL_VERSION === '4' ? 4 : 5,
    reconnectPeriod: 1000,
  });
  say(`connected to ${url}: ${evses.length} EVSEs, ${rate} notification(s) per second`);
  let sent = 0;
  const stop = async (code: number) => {
    clearInterval(timer);
    await client.endAsync().catch(() => undefined);
    say(`stopped after ${sent} notification(s)`);
    process.exit(code);
  };
  const timer = setInterval(() => {
    const evse = evses[Math.floor(Math.random() * evses.length)];
    evse.status = pick(NEXT[evse.status]);
    const notification = { status: evse.status, timestamp: new Date().toISOString(), connector_id: evse.connectorId };
    client.publish(prefix + Topics.evseStatus(evse.operatorId, evse.stationId, evse.uid), JSON.stringify(notification), { qos: 1 });
    sent++;
    say(`${evse.operatorId} ${evse.uid}: ${evse.status}`);
    if (count > 0 && sent >= count) void stop(0);
  }, 1000 / rate);
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
}

main().catch((err: unknown) => {
  say(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
