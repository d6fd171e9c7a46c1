import 'reflect-metadata';
import { ClientGatewayEnvironment, validateClientGatewayEnv } from './client-gateway.env.js';

/** Runs the validation, expecting it to fail, and returns the error message. */
function invalid(raw: Record<string, unknown>): string {
  try {
    validateClientGatewayEnv(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^Invalid configuration:\n/);
    return (err as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('validateClientGatewayEnv', () => {
  it('fills in the defaults', () => {
    const env = validateClientGatewayEnv({});

    expect(env).toBeInstanceOf(ClientGatewayEnvironment);
    expect(env.PORT).toBe(8001);
    expect(env.REQUEST_TIMEOUT_MS).toBe(3000);
    expect(env.MQTT_BROKER).toBe('localhost');
    expect(env.MQTT_PORT).toBe(1883);
    expect(env.MQTT_PROTOCOL_VERSION).toBe(5);
    expect(env.MQTT_SHARED_SUBSCRIPTIONS).toBe(true);
    expect(env.MQTT_TOPIC_PREFIX).toBe('');
  });

  it('converts numeric strings to numbers', () => {
    const env = validateClientGatewayEnv({ PORT: '8080', REQUEST_TIMEOUT_MS: '1500', MQTT_SHARED_SUBSCRIPTIONS: 'false' });
    expect(env.PORT).toBe(8080);
    expect(env.REQUEST_TIMEOUT_MS).toBe(1500);
    expect(env.MQTT_SHARED_SUBSCRIPTIONS).toBe(false);
  });

  it('accepts the bounds of PORT and REQUEST_TIMEOUT_MS', () => {
    expect(validateClientGatewayEnv({ PORT: '0', REQUEST_TIMEOUT_MS: '50' })).toMatchObject({ PORT: 0, REQUEST_TIMEOUT_MS: 50 });
    expect(validateClientGatewayEnv({ PORT: '65535', REQUEST_TIMEOUT_MS: '120000' })).toMatchObject({
      PORT: 65535,
      REQUEST_TIMEOUT_MS: 120_000,
    });
  });

  it('treats empty strings as unset', () => {
    const env = validateClientGatewayEnv({ PORT: '', REQUEST_TIMEOUT_MS: '', MQTT_TOPIC_PREFIX: '' });
    expect(env.PORT).toBe(8001);
    expect(env.REQUEST_TIMEOUT_MS).toBe(3000);
    expect(env.MQTT_TOPIC_PREFIX).toBe('');
  });

  it.each([
    ['soon', 'PORT: PORT must be an integer number'],
    ['80.5', 'PORT: PORT must be an integer number'],
    ['-1', 'PORT: PORT must not be less than 0'],
    ['65536', 'PORT: PORT must not be greater than 65535'],
  ])('rejects PORT=%j', (value, expected) => {
    expect(invalid({ PORT: value })).toContain(expected);
  });

  it.each([
    ['soon', 'REQUEST_TIMEOUT_MS: REQUEST_TIMEOUT_MS must be an integer number'],
    ['10', 'REQUEST_TIMEOUT_MS: REQUEST_TIMEOUT_MS must not be less than 50'],
    ['120001', 'REQUEST_TIMEOUT_MS: REQUEST_TIMEOUT_MS must not be greater than 120000'],
  ])('rejects REQUEST_TIMEOUT_MS=%j', (value, expected) => {
    expect(invalid({ REQUEST_TIMEOUT_MS: value })).toContain(expected);
  });

  it('names only the bad variables', () => {
    const message = invalid({ PORT: 'soon', REQUEST_TIMEOUT_MS: '3000', MQTT_PORT: '1883' });
    expect(message).toContain('PORT:');
    expect(message).not.toContain('REQUEST_TIMEOUT_MS');
    expect(message).not.toContain('MQTT_PORT');
  });

  it('checks the shared MQTT settings too', () => {
    expect(invalid({ MQTT_TOPIC_PREFIX: 'dev' })).toContain('MQTT_TOPIC_PREFIX:');
    expect(invalid({ MQTT_PROTOCOL_VERSION: '3' })).toContain('MQTT_PROTOCOL_VERSION:');
  });
});
