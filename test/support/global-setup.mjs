import { existsSync } from 'node:fs';
import { startEmbeddedBroker } from '../../scripts/embedded-broker.mjs';

const BUILT = ['dist/apps/client-gateway/main.js', 'dist/apps/station-server/main.js'];

/**
 * Chooses the services the tests use: the broker in MQTT_BROKER/MQTT_PORT (Mosquitto in CI) or an
 * embedded one started here, and PostgreSQL when DATABASE_URL is set or PGlite otherwise. Workers
 * inherit the choice through the environment.
 */
export default async function globalSetup() {
  for (const main of BUILT) {
    if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first (npm test does)`);
  }
  if (!process.env.MQTT_BROKER) {
    const broker = await startEmbeddedBroker(0);
    globalThis.embeddedBroker = broker;
    process.env.MQTT_BROKER = '127.0.0.1';
    process.env.MQTT_PORT = String(broker.port);
    process.env.MQTT_PROTOCOL_VERSION = '4';
    process.env.MQTT_SHARED_SUBSCRIPTIONS = 'false';
  }
  const broker = process.env.MQTT_SHARED_SUBSCRIPTIONS === 'false' ? 'embedded, MQTT 3.1.1' : 'external';
  const database = process.env.DATABASE_URL ? `PostgreSQL at ${new URL(process.env.DATABASE_URL).host}` : 'PGlite in memory';
  process.stdout.write(`\nTests use the MQTT broker at ${process.env.MQTT_BROKER}:${process.env.MQTT_PORT ?? 1883} (${broker}) and ${database}\n`);
}
