#!/usr/bin/env node
// npm run bench: GET /postos through our gateway and station server against a reference pair of
// bare node:http + mqtt.js processes doing the same work, loaded alternately with autocannon.
// Embedded broker by default (in its own process); the broker of MQTT_BROKER/MQTT_PORT when set.
//   --broker=mosquitto  a Mosquitto of the bench's own on a free port, configured like deploy's
//                       mosquitto.conf for request/reply (set_tcp_nodelay true), whatever MQTT_BROKER says
//   --duration=10       seconds per measurement
//   --connections=1,16,64
//   --soak=0            seconds of a final run at 16 connections that watches the gateway's memory
//   --only=postos,reservations,operators   the cells to run (all by default): the GET /postos table,
//                       the booking run, the three-operator runs
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { buildIfNeeded } from '../scripts/build.mjs';
import { DEV_AUTH_ENV, signDevToken } from '../scripts/dev-auth.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const options = Object.fromEntries(
  process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? 'true']),
);
const DURATION = Number(options.duration ?? 10);
const CONNECTIONS = (options.connections ?? '1,16,64').split(',').map(Number);
const SOAK = Number(options.soak ?? 0);
const BROKER = options.broker ?? (process.env.MQTT_BROKER ? 'env' : 'embedded');
if (!['embedded', 'env', 'mosquitto'].includes(BROKER)) throw new Error(`--broker: embedded, env or mosquitto, not ${BROKER}`);
const CELLS = ['postos', 'reservations', 'operators'];
const ONLY = new Set((options.only ?? CELLS.join(',')).split(','));
for (const cell of ONLY) if (!CELLS.includes(cell)) throw new Error(`--only: unknown cell ${cell} (known: ${CELLS.join(', ')})`);
const children = [];
const databases = [];

/** Where an operator's server keeps its data: a fresh PostgreSQL database when DATABASE_URL is set, PGlite in memory otherwise. */
async function storage(operatorId) {
  if (!process.env.DATABASE_URL) return { DATA_DIR: 'memory://' };
  const name = `bench_${Date.now()}_${operatorId.replace('-', '_').toLowerCase()}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  databases.push(name);
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  return { DATABASE_URL: url.toString() };
}

async function dropDatabases() {
  if (databases.length === 0) return;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

function log(line) {
  process.stdout.write(`${line}\n`);
}

function start(name, script, env, ready) {
  const child = spawn(process.execPath, script, { cwd: root, env: { PATH: process.env.PATH, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const record = { name, child, output: () => output };
  record.ready = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) resolve(match);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}):\n${output}`)));
  });
  children.push(record);
  return record;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Mosquitto on a free port with the request/reply settings of deploy's mosquitto.conf (no logins, nothing persisted). */
async function startMosquitto(dir) {
  const version = spawnSync('mosquitto', ['-h'], { encoding: 'utf8' });
  if (version.error) throw new Error('--broker=mosquitto needs the mosquitto binary on the PATH');
  const port = await freePort();
  const config = join(dir, 'mosquitto.conf');
  // Without set_tcp_nodelay each QoS 1 hop can wait ~40 ms for Nagle and a delayed ACK.
  writeFileSync(config, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'set_tcp_nodelay true', ''].join('\n'));
  const child = spawn('mosquitto', ['-c', config], { stdio: 'ignore' });
  const record = { name: 'mosquitto', child, output: () => '' };
  children.push(record);
  await Promise.race([waitForPort(port), new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`mosquitto exited (${code})`))))]);
  const release = /mosquitto version (\S+)/.exec(`${version.stdout}${version.stderr}`)?.[1] ?? '';
  return { port, kind: `Mosquitto ${release} started by the bench on 127.0.0.1:${port} (set_tcp_nodelay true)` };
}

/** CPU time (user + system) a process has used so far, in ms; 0 when /proc cannot tell. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime, in clock ticks of 10 ms (USER_HZ on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** CPU used so far by each PostgreSQL backend serving the bench's databases, by pid. */
async function postgresCpu() {
  if (databases.length === 0) return new Map();
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  const { rows } = await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = ANY($1)', [databases]);
  await admin.end();
  return new Map(rows.map(({ pid }) => [pid, cpuMs(pid)]));
}

/** CPU per request of each process taking part while `run` loads the system (robust to a busy machine, unlike rates). */
async function cpuPerRequest(processes, run) {
  const before = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuMs(pid)]));
  const postgresBefore = await postgresCpu();
  const result = await run();
  const postgresAfter = await postgresCpu();
  const requests = result.created + result.conflicts + result.other;
  const used = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuMs(pid) - before[name]]));
  if (postgresAfter.size > 0) used.PostgreSQL = [...postgresAfter].reduce((sum, [pid, ms]) => sum + ms - (postgresBefore.get(pid) ?? 0), 0);
  return { ...result, cpuMsPerRequest: Object.fromEntries(Object.entries(used).map(([name, ms]) => [name, Math.round((ms / requests) * 100) / 100])) };
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

async function waitFor200(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 in time`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function load(url, connections, duration) {
  const result = await autocannon({ url, connections, duration, pipelining: 1 });
  return {
    connections,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  };
}

/**
 * POST /reservas as fast as it goes, as one driver: random windows over every EVSE of the dataset,
 * then the driver's reservations of the run's token are listed to check that every 201 was stored ("nothing lost").
 */
async function bookingRun(datasetFile, duration) {
  const stations = JSON.parse(readFileSync(datasetFile, 'utf8'));
  const evses = stations.flatMap((station) =>
    station.evses
      .filter((evse) => !['OUTOFORDER', 'INOPERATIVE', 'REMOVED', 'BLOCKED', 'PLANNED'].includes(evse.status))
      .map((evse) => ({ station_id: station.id, evse_uid: evse.uid })),
  );
  const token = `bench-${Date.now()}`;
  const authorization = `Bearer ${signDevToken('bench-driver', duration + 600)}`;
  const base = Date.now() + 60 * 60_000;
  const result = await autocannon({
    url: 'http://127.0.0.1:18001/reservas',
    connections: 16,
    duration,
    // A request built per call (the body is new each time, so its length is too).
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const target = evses[Math.floor(Math.random() * evses.length)];
          const startsAt = new Date(base + Math.floor(Math.random() * 20_000) * 60_000).toISOString();
          const body = JSON.stringify({ operator_id: 'BR-BEN', ...target, token, starts_at: startsAt, duration_minutes: 30 });
          return { ...request, headers: { 'content-type': 'application/json', authorization }, body };
        },
      },
    ],
  });
  const byStatus = result.statusCodeStats ?? {};
  const created = byStatus['201']?.count ?? 0;
  const conflicts = byStatus['409']?.count ?? 0;
  const listed = await fetch(`http://127.0.0.1:18001/reservas?token=${token}`, { headers: { authorization } }).then((r) => r.json());
  const stored = listed.data.length;
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    created,
    conflicts,
    other: result.requests.total - created - conflicts,
    errors: result.errors + result.timeouts,
    stored,
    // A 201 the server did not store would be lost; stored beyond the 201s counted were in flight when the run stopped.
    lost: Math.max(0, created - stored),
    inFlightAtStop: Math.max(0, stored - created),
  };
}

/** A dataset for `operatorId` made of the Salvador demo file's stations `from` to `to` (50 in all). */
function dataset(dir, operatorId, from = 0, to = 50) {
  const [country, party] = operatorId.split('-');
  const source = JSON.parse(readFileSync(join(root, 'apps/station-server/data/br-ssa.json'), 'utf8')).slice(from, to);
  const stations = source.map((station, i) => ({
    ...station,
    country_code: country,
    party_id: party,
    id: `${party}-${String(i + 1).padStart(3, '0')}`,
    evses: station.evses.map((evse, j) => ({ ...evse, uid: `${party}-${String(i + 1).padStart(3, '0')}-E${j + 1}` })),
  }));
  const file = join(dir, `${operatorId.toLowerCase()}.json`);
  writeFileSync(file, JSON.stringify(stations));
  return file;
}

function table(rows) {
  const header = ['connections', 'system', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'ratio req/s', 'ratio p99'];
  const lines = [header, ...rows].map((cells) => cells.map((cell, i) => String(cell).padStart(i === 1 ? 10 : 11)).join(' '));
  return lines.join('\n');
}

async function main() {
  buildIfNeeded(root, (line) => log(line));
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  let mqttEnv;
  let brokerKind;
  if (BROKER === 'mosquitto') {
    const broker = await startMosquitto(dir);
    brokerKind = broker.kind;
    mqttEnv = { MQTT_BROKER: '127.0.0.1', MQTT_PORT: String(broker.port), MQTT_PROTOCOL_VERSION: '5' };
  } else if (BROKER === 'env') {
    if (!process.env.MQTT_BROKER) throw new Error('--broker=env needs MQTT_BROKER');
    brokerKind = `external ${process.env.MQTT_BROKER}:${process.env.MQTT_PORT ?? 1883}`;
    mqttEnv = { MQTT_BROKER: process.env.MQTT_BROKER, MQTT_PORT: process.env.MQTT_PORT ?? '1883', MQTT_PROTOCOL_VERSION: process.env.MQTT_PROTOCOL_VERSION ?? '5' };
  } else {
    const broker = start(
      'broker',
      ['--input-type=module', '-e', "const { startEmbeddedBroker } = await import('./scripts/embedded-broker.mjs'); const b = await startEmbeddedBroker(0); console.log('broker on ' + b.port);"],
      {},
      /broker on (\d+)/,
    );
    const [, port] = await broker.ready;
    brokerKind = 'embedded (MQTT 3.1.1)';
    mqttEnv = { MQTT_BROKER: '127.0.0.1', MQTT_PORT: port, MQTT_PROTOCOL_VERSION: '4', MQTT_SHARED_SUBSCRIPTIONS: 'false' };
  }
  const databaseKind = process.env.DATABASE_URL ? `PostgreSQL ${new URL(process.env.DATABASE_URL).host}` : 'PGlite in memory';
  log(`database: ${databaseKind}`);
  log(`broker: ${brokerKind}; ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; ${DURATION} s per run`);

  const single = dataset(dir, 'BR-BEN');
  // Our apps verify driver tokens: the bookings carry one signed with npm start's demo settings.
  const ours = { MQTT_TOPIC_PREFIX: 'bench/ours/', ...mqttEnv, ...DEV_AUTH_ENV };
  const reference = { MQTT_TOPIC_PREFIX: 'bench/ref/', ...mqttEnv };

  const server = start('station server BR-BEN', ['dist/apps/station-server/main.js'], { ...ours, OPERATOR_ID: 'BR-BEN', STATIONS_FILE: single, ...(await storage('BR-BEN')) }, /online as/);
  const gateway = start('gateway', ['dist/apps/client-gateway/main.js'], { ...ours, PORT: '18001', MQTT_CLIENT_ID: 'bench-gw', RATE_LIMIT_MAX: '0' }, /Client gateway on/);
  const urls = { ours: 'http://127.0.0.1:18001/postos?limit=100' };
  if (ONLY.has('postos')) {
    const refResponder = start('reference responder', ['bench/reference/responder.mjs'], { ...reference, STATIONS_FILE: single, OPERATOR_ID: 'BR-BEN' }, /ready/);
    const refGateway = start('reference gateway', ['bench/reference/gateway.mjs'], reference, /reference gateway on (\d+)/);
    await refResponder.ready;
    const [, refPort] = await refGateway.ready;
    urls.reference = `http://127.0.0.1:${refPort}/postos`;
  }
  await Promise.all([server.ready, gateway.ready]);
  await Promise.all(Object.values(urls).map((url) => waitFor200(url)));

  const rssBefore = { gateway: rssMb(gateway.child.pid), server: rssMb(server.child.pid) };
  const results = [];
  if (ONLY.has('postos')) {
    log('warming up...');
    await load(urls.ours, 16, 3);
    await load(urls.reference, 16, 3);
    rssBefore.gateway = rssMb(gateway.child.pid);
    rssBefore.server = rssMb(server.child.pid);

    for (const [i, connections] of CONNECTIONS.entries()) {
      // Alternate which system goes first, so neither always runs on a warmer machine.
      const order = i % 2 === 0 ? ['ours', 'reference'] : ['reference', 'ours'];
      const pair = {};
      for (const system of order) {
        log(`${system} at ${connections} connections...`);
        pair[system] = await load(urls[system], connections, DURATION);
      }
      results.push({ connections, ours: pair.ours, reference: pair.reference, ratioRps: pair.ours.rps / pair.reference.rps, ratioP99: pair.ours.p99 / pair.reference.p99 });
    }
  }
  const rssAfter = { gateway: rssMb(gateway.child.pid), server: rssMb(server.child.pid) };

  let reservations;
  if (ONLY.has('reservations')) {
    log('reservations: random bookings at 16 connections...');
    const processes = { gateway: gateway.child.pid, 'station server': server.child.pid, 'load generator': process.pid };
    const broker = children.find((c) => c.name === 'mosquitto');
    if (broker) processes.Mosquitto = broker.child.pid;
    reservations = await cpuPerRequest(processes, () => bookingRun(single, DURATION));
  }

  let merged;
  let mergedFull;
  const singleAt16 = results.find((r) => r.connections === 16)?.ours;
  if (ONLY.has('operators')) {
    // Merge cost: the same 50 stations split over three operators, so only the fan-out and merge differ.
    log('three operators sharing the 50 stations, merged by the gateway...');
    server.child.kill('SIGTERM');
    const split = [['BR-BEA', 0, 17], ['BR-BEB', 17, 34], ['BR-BEC', 34, 50]];
    const threeOperators = [];
    for (const [operatorId, from, to] of split) {
      const env = { ...ours, OPERATOR_ID: operatorId, STATIONS_FILE: dataset(dir, operatorId, from, to), ...(await storage(operatorId)) };
      threeOperators.push(start(`station server ${operatorId}`, ['dist/apps/station-server/main.js'], env, /online as/));
    }
    await Promise.all(threeOperators.map((s) => s.ready));
    await waitFor200(urls.ours);
    await load(urls.ours, 16, 3);
    merged = await load(urls.ours, 16, DURATION);

    // For scale: three operators of 50 stations each (three times the bytes of every answer).
    log('three operators of 50 stations each...');
    threeOperators.forEach((s) => s.child.kill('SIGTERM'));
    const threeFull = [];
    for (const operatorId of ['BR-BEX', 'BR-BEY', 'BR-BEZ']) {
      const env = { ...ours, OPERATOR_ID: operatorId, STATIONS_FILE: dataset(dir, operatorId), ...(await storage(operatorId)) };
      threeFull.push(start(`station server ${operatorId}`, ['dist/apps/station-server/main.js'], env, /online as/));
    }
    await Promise.all(threeFull.map((s) => s.ready));
    await waitFor200(urls.ours);
    mergedFull = await load(urls.ours, 16, DURATION);
  }

  let soak;
  if (SOAK > 0) {
    log(`soak: ${SOAK} s at 16 connections...`);
    const before = rssMb(gateway.child.pid);
    const run = await load(urls.ours, 16, SOAK);
    const after = rssMb(gateway.child.pid);
    soak = { seconds: SOAK, ...run, gatewayRssBeforeMb: before, gatewayRssAfterMb: after, growth: after / before - 1 };
  }

  if (results.length > 0) {
    const rows = results.flatMap((r) => [
      [r.connections, 'ours', r.ours.rps, r.ours.p50, r.ours.p99, r.ours.errors, r.ratioRps.toFixed(2), r.ratioP99.toFixed(2)],
      [r.connections, 'reference', r.reference.rps, r.reference.p50, r.reference.p99, r.reference.errors, '', ''],
    ]);
    log(`\nGET /postos, 50 stations, one operator (broker: ${brokerKind}; database: ${databaseKind})\n${table(rows)}`);
  }
  if (merged) {
    log(`\nthree operators sharing the 50 stations, 16 connections: ${merged.rps} req/s, p50 ${merged.p50} ms, p99 ${merged.p99} ms, errors ${merged.errors}` +
      (singleAt16 ? ` (${(merged.rps / singleAt16.rps).toFixed(2)}x one operator)` : ''));
    log(`three operators of 50 stations each (150 in all), 16 connections: ${mergedFull.rps} req/s, p50 ${mergedFull.p50} ms, p99 ${mergedFull.p99} ms, errors ${mergedFull.errors}`);
  }
  log(`RSS MB: gateway ${rssBefore.gateway.toFixed(0)} -> ${rssAfter.gateway.toFixed(0)}, station server ${rssBefore.server.toFixed(0)} -> ${rssAfter.server.toFixed(0)}`);
  if (reservations) {
    log(`reservations (broker: ${brokerKind}; database: ${databaseKind}): ${reservations.rps} POST/s, p50 ${reservations.p50} ms, p99 ${reservations.p99} ms; ${reservations.created} created, ${reservations.conflicts} conflicts, ${reservations.other} other, ${reservations.errors} errors; stored ${reservations.stored} (${reservations.inFlightAtStop} answered after the run stopped), lost ${reservations.lost}`);
    log(`CPU ms per booking: ${Object.entries(reservations.cpuMsPerRequest).map(([name, ms]) => `${name} ${ms}`).join(', ')}`);
  }
  if (soak) log(`soak ${soak.seconds} s: ${soak.rps} req/s, gateway RSS ${soak.gatewayRssBeforeMb.toFixed(0)} -> ${soak.gatewayRssAfterMb.toFixed(0)} MB (${(soak.growth * 100).toFixed(1)}%)`);

  const at16 = results.find((r) => r.connections === 16);
  const targets = {
    'req/s at 16 connections >= 0.8x reference': at16 ? at16.ratioRps >= 0.8 : undefined,
    'p99 at 16 connections <= 2x reference': at16 ? at16.ratioP99 <= 2 : undefined,
    'three operators >= 0.5x one operator': singleAt16 && merged ? merged.rps / singleAt16.rps >= 0.5 : undefined,
    'reservations >= 500 POST/s with none lost': reservations
      ? reservations.rps >= 500 && reservations.lost === 0 && reservations.other === 0 && reservations.errors === 0
      : undefined,
    'no errors': [...results.flatMap((r) => [r.ours.errors, r.reference.errors]), merged?.errors ?? 0, mergedFull?.errors ?? 0].every((e) => e === 0),
    ...(soak ? { 'gateway RSS grows < 10% in the soak': soak.growth < 0.1 } : {}),
  };
  log('\ntargets:');
  for (const [name, ok] of Object.entries(targets)) log(`  ${ok === undefined ? 'n/a ' : ok ? 'PASS' : 'FAIL'}  ${name}`);

  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const file = join(root, 'bench', 'results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), broker: brokerKind, database: databaseKind, cores: cpus().length, durationSeconds: DURATION, cells: [...ONLY], results, merged, mergedFull, reservations, rssBefore, rssAfter, soak, targets }, null, 2));
  log(`\nresults written to ${file}`);
}

function stopAll() {
  for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL');
}

main()
  .catch((err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    stopAll();
    await dropDatabases().catch((err) => process.stderr.write(`could not drop the bench databases: ${err.message}\n`));
  });
