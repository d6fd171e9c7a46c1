#!/usr/bin/env node
// Starts the whole system on one machine with nothing but Node and npm: an embedded MQTT broker
// (unless MQTT_BROKER is set), a station server for each demo operator with its own PGlite folder,
// two client gateways on 8001 and 8002, and a charger simulator (SIMULATOR_RATE status changes per
// second, default 1; 0: none) so availability changes live. Gateways and station servers verify
// driver tokens with the demo settings of dev-auth.mjs (npm run token -- <driver id> prints one).
// Ctrl-C stops everything it started.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded, mainOf } from './build.mjs';
import { DEV_AUTH_ENV } from './dev-auth.mjs';
import { startEmbeddedBroker } from './embedded-broker.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const GATEWAY_PORTS = [8001, 8002];
/** Station servers' health and metrics ports: 9101, 9102, ... */
const HEALTH_PORT_BASE = 9101;
const DATA_FOLDER = join(root, 'apps', 'station-server', 'data');
const children = [];
let broker;
let stopping = false;

function say(line) {
  process.stdout.write(`[start] ${line}\n`);
}

/** Demo operators: one per dataset file, named after the file (br-fsa.json -> BR-FSA). */
function demoOperators() {
  return readdirSync(DATA_FOLDER)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const [first] = JSON.parse(readFileSync(join(DATA_FOLDER, file), 'utf8'));
      return { id: file.replace(/\.json$/, '').toUpperCase(), name: first?.operator?.name, file: join(DATA_FOLDER, file) };
    });
}

function start(name, app, env, args = [mainOf(root, app)]) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env, ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const record = { name, child, ready: undefined };
  record.ready = new Promise((resolve, reject) => {
    const onLine = (line) => {
      process.stdout.write(`[${name}] ${line}\n`);
      if (/online as|Client gateway on|\[simulator\] connected/.test(line)) resolve();
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream.on('data', (chunk) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop();
        lines.forEach(onLine);
      });
    }
    child.on('exit', (code, signal) => {
      reject(new Error(`${name} exited (${signal ?? code}) while starting`));
      if (!stopping) {
        say(`${name} exited (${signal ?? code}); stopping everything`);
        void stopAll(1);
      }
    });
  });
  children.push(record);
  return record;
}

async function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  await broker?.close();
  say('stopped');
  process.exit(exitCode);
}

async function main() {
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  buildIfNeeded(root, say);

  let mqttEnv;
  if (process.env.MQTT_BROKER) {
    mqttEnv = { MQTT_BROKER: process.env.MQTT_BROKER, MQTT_PORT: process.env.MQTT_PORT ?? '1883' };
    say(`using the MQTT broker at ${mqttEnv.MQTT_BROKER}:${mqttEnv.MQTT_PORT}`);
  } else {
    broker = await startEmbeddedBroker(1883, true);
    // The embedded broker speaks MQTT 3.1.1 only and has no shared subscriptions.
    mqttEnv = { MQTT_BROKER: '127.0.0.1', MQTT_PORT: String(broker.port), MQTT_PROTOCOL_VERSION: '4', MQTT_SHARED_SUBSCRIPTIONS: 'false' };
    say(`embedded MQTT broker on 127.0.0.1:${broker.port}${broker.port === 1883 ? '' : ' (1883 is taken)'}`);
  }

  // Gateways and station servers must verify driver tokens with the same settings.
  const appEnv = { ...mqttEnv, ...DEV_AUTH_ENV, AUTH_JWT_PUBLIC_KEY_FILE: '', AUTH_JWKS_FILE: '' };

  const operators = demoOperators();
  say(`starting station servers for ${operators.map((o) => o.id).join(', ')} (first start creates their databases in .data/)`);
  const servers = operators.map((operator, i) =>
    start(operator.id, 'station-server', {
      HEALTH_PORT: String(HEALTH_PORT_BASE + i),
      ...appEnv,
      OPERATOR_ID: operator.id,
      ...(operator.name ? { OPERATOR_NAME: operator.name } : {}),
      STATIONS_FILE: operator.file,
      DATA_DIR: join(root, '.data', operator.id.toLowerCase()),
      DATABASE_URL: '',
    }),
  );
  const gateways = GATEWAY_PORTS.map((port, i) =>
    start(`gateway-${port}`, 'client-gateway', { ...appEnv, PORT: String(port), MQTT_CLIENT_ID: `cliente${i + 1}` }),
  );
  await Promise.all([...servers, ...gateways].map((record) => record.ready));
  const simulatorRate = Number(process.env.SIMULATOR_RATE ?? 1);
  if (simulatorRate > 0) {
    await start('simulator', 'simulator', mqttEnv, ['--import', 'tsx', join(root, 'scripts', 'charger-simulator.ts'), `--rate=${simulatorRate}`]).ready;
  }

  say('ready:');
  for (const port of GATEWAY_PORTS) {
    say(`  http://localhost:${port}/postos   stations of every operator (?latitude=-12.97&longitude=-38.5&distance=20 ...)`);
    say(`  http://localhost:${port}/postos/eventos   live status changes (Server-Sent Events)`);
    say(`  http://localhost:${port}/docs     Swagger UI`);
    say(`  http://localhost:${port}/metrics  Prometheus metrics`);
  }
  operators.forEach((operator, i) => say(`  http://localhost:${HEALTH_PORT_BASE + i}/metrics   station server ${operator.id} (and /health/ready)`));
  say('reservations need a driver token: TOKEN=$(npm run -s token -- driver-4711), then -H "Authorization: Bearer $TOKEN"');
  say('press Ctrl-C to stop');
}

main().catch(async (err) => {
  say(err.message);
  await stopAll(1);
});
