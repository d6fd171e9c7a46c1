import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../scripts/embedded-broker.mjs';
import { eventually } from './eventually.js';
import { REPO_ROOT } from './paths.js';
import { freePort } from './ports.js';
import { runBroker, type BrokerAddress } from './test-system.js';

/** A broker of one test's own, which the test may stop and start again on the same port. */
export interface OwnBroker {
  address: BrokerAddress;
  kind: 'mosquitto' | 'embedded';
  stop(): Promise<void>;
  start(): Promise<void>;
}

export const hasMosquitto = () => spawnSync('mosquitto', ['-h']).error === undefined;

/** Mosquitto on a free port when the run uses an external broker and mosquitto is installed; the embedded broker otherwise. */
export async function startOwnBroker(): Promise<OwnBroker> {
  const port = await freePort();
  const external = runBroker().sharedSubscriptions;
  return external && hasMosquitto() ? mosquitto(port) : embedded(port);
}

async function mosquitto(port: number): Promise<OwnBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'mosquitto-'));
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(config, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'set_tcp_nodelay true', ''].join('\n'));
  let child: ChildProcess | undefined;
  const broker: OwnBroker = {
    address: { host: '127.0.0.1', port, protocolVersion: 5, sharedSubscriptions: true },
    kind: 'mosquitto',
    start: async () => {
      child = spawn('mosquitto', ['-c', config], { stdio: 'ignore' });
      await eventually(() => canConnect(port), 10_000);
    },
    stop: async () => {
      const running = child;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
  };
  await broker.start();
  return broker;
}

async function embedded(port: number): Promise<OwnBroker> {
  let instance: EmbeddedBroker | undefined;
  const broker: OwnBroker = {
    address: { host: '127.0.0.1', port, protocolVersion: 4, sharedSubscriptions: false },
    kind: 'embedded',
    start: async () => {
      instance = await startEmbeddedBroker(port);
    },
    stop: async () => {
      await instance?.close();
      instance = undefined;
    },
  };
  await broker.start();
  return broker;
}

function canConnect(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

/** The files of the deployed broker: its config, logins and topic rights. */
export interface MosquittoFiles {
  config: string;
  passwd: string;
  acl: string;
}

export const REPO_MOSQUITTO_FILES: MosquittoFiles = {
  config: join(REPO_ROOT, 'mosquitto.conf'),
  passwd: join(REPO_ROOT, 'deploy/mosquitto/passwd'),
  acl: join(REPO_ROOT, 'deploy/mosquitto/acl'),
};

/**
 * Mosquitto with the repository's config, password file and ACL (the compose broker), on a free
 * port of 127.0.0.1 with its data in a temporary folder. Needs the mosquitto binary.
 */
export async function startDeployedMosquitto(files: MosquittoFiles = REPO_MOSQUITTO_FILES): Promise<{ address: BrokerAddress; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'deployed-broker-'));
  const config = readFileSync(files.config, 'utf8')
    .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
    .replace(/^persistence_location .*$/m, `persistence_location ${dir}/`)
    .replace(/^password_file .*$/m, `password_file ${files.passwd}`)
    .replace(/^acl_file .*$/m, `acl_file ${files.acl}`);
  writeFileSync(join(dir, 'mosquitto.conf'), config);
  const child = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  await eventually(() => canConnect(port), 10_000);
  return {
    address: { host: '127.0.0.1', port, protocolVersion: 5, sharedSubscriptions: true },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
