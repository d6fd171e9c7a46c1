import 'reflect-metadata';
import { StationServerEnvironment, validateStationServerEnv } from './station-server.env.js';

/** Driver-token settings every valid configuration needs. */
const AUTH = { AUTH_JWT_SECRET: 's'.repeat(32), AUTH_JWT_ISSUER: 'https://id.example/', AUTH_JWT_AUDIENCE: 'ev-charging' };
const base = { OPERATOR_ID: 'BR-FSA', ...AUTH };

/** Runs the validation, expecting it to fail, and returns the error message. */
function invalid(raw: Record<string, unknown>): string {
  try {
    validateStationServerEnv({ ...AUTH, ...raw });
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^Invalid configuration:\n/);
    return (err as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('validateStationServerEnv', () => {
  it('fills in the defaults', () => {
    const env = validateStationServerEnv(base);

    expect(env).toBeInstanceOf(StationServerEnvironment);
    expect(env.OPERATOR_ID).toBe('BR-FSA');
    expect(env.MQTT_BROKER).toBe('localhost');
    expect(env.MQTT_PORT).toBe(1883);
    expect(env.MQTT_PROTOCOL_VERSION).toBe(5);
    expect(env.MQTT_SHARED_SUBSCRIPTIONS).toBe(true);
    expect(env.MQTT_TOPIC_PREFIX).toBe('');
    expect(env.MQTT_RECONNECT_PERIOD_MS).toBe(1000);
    expect(env.MQTT_CONNECT_TIMEOUT_MS).toBe(5000);
    expect(env.MQTT_MAX_PAYLOAD_BYTES).toBe(256 * 1024);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.MQTT_CLIENT_ID).toBeUndefined();
  });

  it('converts numeric strings to numbers', () => {
    const env = validateStationServerEnv({
      ...base,
      MQTT_PORT: '1884',
      MQTT_PROTOCOL_VERSION: '4',
      MQTT_RECONNECT_PERIOD_MS: '2500',
      MQTT_MAX_PAYLOAD_BYTES: '65536',
    });

    expect(env.MQTT_PORT).toBe(1884);
    expect(env.MQTT_PROTOCOL_VERSION).toBe(4);
    expect(env.MQTT_RECONNECT_PERIOD_MS).toBe(2500);
    expect(env.MQTT_MAX_PAYLOAD_BYTES).toBe(65536);
  });

  it('keeps the given strings', () => {
    const env = validateStationServerEnv({
      ...base,
      OPERATOR_NAME: 'Feira Energia',
      MQTT_BROKER: 'mosquitto',
      MQTT_CLIENT_ID: 'station-fsa_1.a',
      MQTT_TOPIC_PREFIX: 'staging/ev/',
      DATABASE_URL: 'postgresql://ev:ev@db:5432/ev',
      STATIONS_FILE: 'apps/station-server/data/br-fsa.json',
    });

    expect(env.OPERATOR_NAME).toBe('Feira Energia');
    expect(env.MQTT_BROKER).toBe('mosquitto');
    expect(env.MQTT_CLIENT_ID).toBe('station-fsa_1.a');
    expect(env.MQTT_TOPIC_PREFIX).toBe('staging/ev/');
    expect(env.DATABASE_URL).toBe('postgresql://ev:ev@db:5432/ev');
    expect(env.STATIONS_FILE).toBe('apps/station-server/data/br-fsa.json');
  });

  it('ignores unrelated variables of the process environment', () => {
    const env = validateStationServerEnv({ ...base, PATH: '/usr/bin:/bin', HOME: '/root', NODE_ENV: 'test' });
    expect(env.OPERATOR_ID).toBe('BR-FSA');
  });

  it.each([
    ['false', false],
    ['0', false],
    ['FALSE', false],
    [' false ', false],
    ['true', true],
    ['1', true],
  ])('reads MQTT_SHARED_SUBSCRIPTIONS=%j as %s', (value, expected) => {
    expect(validateStationServerEnv({ ...base, MQTT_SHARED_SUBSCRIPTIONS: value }).MQTT_SHARED_SUBSCRIPTIONS).toBe(expected);
  });

  it('rejects MQTT_SHARED_SUBSCRIPTIONS that is not a boolean', () => {
    expect(invalid({ ...base, MQTT_SHARED_SUBSCRIPTIONS: 'maybe' })).toContain('MQTT_SHARED_SUBSCRIPTIONS:');
  });

  it('requires OPERATOR_ID', () => {
    const message = invalid({});
    expect(message).toContain('OPERATOR_ID: OPERATOR_ID must look like BR-FSA');
  });

  it.each(['br-fsa', 'BR_FSA', 'BRA-FSA', 'BR-FS', 'BR-FSA/x'])('rejects OPERATOR_ID=%j', (value) => {
    expect(invalid({ OPERATOR_ID: value })).toContain('OPERATOR_ID: OPERATOR_ID must look like BR-FSA');
  });

  it.each([
    ['abc', 'MQTT_PORT: MQTT_PORT must be an integer number'],
    ['70000', 'MQTT_PORT: MQTT_PORT must not be greater than 65535'],
    ['0', 'MQTT_PORT: MQTT_PORT must not be less than 1'],
    ['18.5', 'MQTT_PORT: MQTT_PORT must be an integer number'],
  ])('rejects MQTT_PORT=%j', (value, expected) => {
    expect(invalid({ ...base, MQTT_PORT: value })).toContain(expected);
  });

  it.each(['3', '6', 'five'])('rejects MQTT_PROTOCOL_VERSION=%j', (value) => {
    expect(invalid({ ...base, MQTT_PROTOCOL_VERSION: value })).toContain(
      'MQTT_PROTOCOL_VERSION: MQTT_PROTOCOL_VERSION must be 4 (MQTT 3.1.1) or 5 (MQTT 5)',
    );
  });

  it.each(['staging', 'staging/#/', 'staging/+/', '/staging/', 'a//b/', 'ev dev/'])('rejects MQTT_TOPIC_PREFIX=%j', (value) => {
    expect(invalid({ ...base, MQTT_TOPIC_PREFIX: value })).toContain(
      'MQTT_TOPIC_PREFIX: MQTT_TOPIC_PREFIX must be empty or end with "/" and hold no wildcards',
    );
  });

  it('rejects a MQTT_TOPIC_PREFIX over 64 characters', () => {
    expect(invalid({ ...base, MQTT_TOPIC_PREFIX: `${'a'.repeat(64)}/` })).toContain('MQTT_TOPIC_PREFIX:');
  });

  it.each(['station/1', 'a'.repeat(41), 'with space'])('rejects MQTT_CLIENT_ID=%j', (value) => {
    expect(invalid({ ...base, MQTT_CLIENT_ID: value })).toContain('MQTT_CLIENT_ID: MQTT_CLIENT_ID may hold only letters');
  });

  it('rejects a MQTT_BROKER that is not a host name', () => {
    expect(invalid({ ...base, MQTT_BROKER: 'mqtt://broker' })).toContain('MQTT_BROKER: MQTT_BROKER must be a host name or IP address');
  });

  it.each(['mysql://db/ev', 'db:5432', 'http://postgres/'])('rejects DATABASE_URL=%j', (value) => {
    expect(invalid({ ...base, DATABASE_URL: value })).toContain('DATABASE_URL: DATABASE_URL must be a postgres:// URL');
  });

  it('accepts both postgres:// and postgresql:// URLs', () => {
    expect(validateStationServerEnv({ ...base, DATABASE_URL: 'postgres://db/ev' }).DATABASE_URL).toBe('postgres://db/ev');
    expect(validateStationServerEnv({ ...base, DATABASE_URL: 'postgresql://db/ev' }).DATABASE_URL).toBe('postgresql://db/ev');
  });

  it.each([
    ['1000', 'MQTT_MAX_PAYLOAD_BYTES: MQTT_MAX_PAYLOAD_BYTES must not be less than 1024'],
    [String(16 * 1024 * 1024 + 1), 'MQTT_MAX_PAYLOAD_BYTES: MQTT_MAX_PAYLOAD_BYTES must not be greater than 16777216'],
  ])('rejects MQTT_MAX_PAYLOAD_BYTES=%j', (value, expected) => {
    expect(invalid({ ...base, MQTT_MAX_PAYLOAD_BYTES: value })).toContain(expected);
  });

  it('names every bad variable at once, one per line', () => {
    const message = invalid({ OPERATOR_ID: 'x', MQTT_PORT: 'abc', DATABASE_URL: 'mysql://db' });
    const lines = message.split('\n').slice(1);
    expect(lines.every((line) => line.startsWith('  '))).toBe(true);
    expect(message).toContain('  OPERATOR_ID:');
    expect(message).toContain('  MQTT_PORT:');
    expect(message).toContain('  DATABASE_URL:');
  });

  it('treats empty strings as unset', () => {
    const env = validateStationServerEnv({
      ...base,
      MQTT_BROKER: '',
      MQTT_PORT: '',
      MQTT_PROTOCOL_VERSION: '',
      MQTT_SHARED_SUBSCRIPTIONS: '',
      MQTT_CLIENT_ID: '',
      DATABASE_URL: '',
      DATA_DIR: '',
      OPERATOR_NAME: '',
      MQTT_MAX_PAYLOAD_BYTES: '',
    });

    expect(env.MQTT_BROKER).toBe('localhost');
    expect(env.MQTT_PORT).toBe(1883);
    expect(env.MQTT_PROTOCOL_VERSION).toBe(5);
    expect(env.MQTT_SHARED_SUBSCRIPTIONS).toBe(true);
    expect(env.MQTT_CLIENT_ID).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.DATA_DIR).toBeUndefined();
    expect(env.OPERATOR_NAME).toBeUndefined();
    expect(env.MQTT_MAX_PAYLOAD_BYTES).toBe(256 * 1024);
  });

  it('treats an empty OPERATOR_ID as missing', () => {
    expect(invalid({ OPERATOR_ID: '' })).toContain('OPERATOR_ID:');
  });

  it('keeps an empty MQTT_TOPIC_PREFIX as the empty prefix', () => {
    expect(validateStationServerEnv({ ...base, MQTT_TOPIC_PREFIX: '' }).MQTT_TOPIC_PREFIX).toBe('');
  });
});
