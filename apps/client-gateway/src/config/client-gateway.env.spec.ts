import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientGatewayEnvironment, validateClientGatewayEnv } from './client-gateway.env.js';

/** Driver-token settings every valid configuration needs. */
const AUTH = { AUTH_JWT_SECRET: 's'.repeat(32), AUTH_JWT_ISSUER: 'https://id.example/', AUTH_JWT_AUDIENCE: 'ev-charging' };

/** Runs the validation, expecting it to fail, and returns the error message. */
function invalid(raw: Record<string, unknown>): string {
  try {
    validateClientGatewayEnv({ ...AUTH, ...raw });
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^Invalid configuration:\n/);
    return (err as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('validateClientGatewayEnv', () => {
  it('fills in the defaults', () => {
    const env = validateClientGatewayEnv({ ...AUTH });

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
    const env = validateClientGatewayEnv({ ...AUTH, PORT: '8080', REQUEST_TIMEOUT_MS: '1500', MQTT_SHARED_SUBSCRIPTIONS: 'false' });
    expect(env.PORT).toBe(8080);
    expect(env.REQUEST_TIMEOUT_MS).toBe(1500);
    expect(env.MQTT_SHARED_SUBSCRIPTIONS).toBe(false);
  });

  it('accepts the bounds of PORT and REQUEST_TIMEOUT_MS', () => {
    expect(validateClientGatewayEnv({ ...AUTH, PORT: '0', REQUEST_TIMEOUT_MS: '50' })).toMatchObject({ PORT: 0, REQUEST_TIMEOUT_MS: 50 });
    expect(validateClientGatewayEnv({ ...AUTH, PORT: '65535', REQUEST_TIMEOUT_MS: '120000' })).toMatchObject({
      PORT: 65535,
      REQUEST_TIMEOUT_MS: 120_000,
    });
  });

  it('treats empty strings as unset', () => {
    const env = validateClientGatewayEnv({ ...AUTH, PORT: '', REQUEST_TIMEOUT_MS: '', MQTT_TOPIC_PREFIX: '' });
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

describe('validateClientGatewayEnv: driver tokens and /metrics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-env-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const claims = { AUTH_JWT_ISSUER: AUTH.AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE: AUTH.AUTH_JWT_AUDIENCE };

  /** Validation with exactly the given auth settings (not the default AUTH). */
  function refused(raw: Record<string, unknown>): string {
    expect(() => validateClientGatewayEnv(raw)).toThrow(/^Invalid configuration:\n/);
    try {
      validateClientGatewayEnv(raw);
    } catch (err) {
      return (err as Error).message;
    }
    return '';
  }

  it('needs an issuer and an audience', () => {
    const message = refused({ AUTH_JWT_SECRET: AUTH.AUTH_JWT_SECRET });
    expect(message).toContain('AUTH_JWT_ISSUER: AUTH_JWT_ISSUER is required');
    expect(message).toContain('AUTH_JWT_AUDIENCE: AUTH_JWT_AUDIENCE is required');
  });

  it('needs exactly one key source', () => {
    expect(refused(claims)).toContain('set exactly one of AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY_FILE, AUTH_JWKS_FILE');
    const pem = write('both.pem', rsa.export({ type: 'spki', format: 'pem' }).toString());
    expect(refused({ ...AUTH, AUTH_JWT_PUBLIC_KEY_FILE: pem })).toContain('AUTH_JWT_SECRET and AUTH_JWT_PUBLIC_KEY_FILE are both set');
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(refused({ ...claims, AUTH_JWT_SECRET: 'short' })).toContain('AUTH_JWT_SECRET: AUTH_JWT_SECRET must be at least 32 bytes long');
  });

  it('accepts an RSA or P-256 public key file and a JWKS file', () => {
    const pem = write('rsa.pem', rsa.export({ type: 'spki', format: 'pem' }).toString());
    expect(validateClientGatewayEnv({ ...claims, AUTH_JWT_PUBLIC_KEY_FILE: pem }).AUTH_JWT_PUBLIC_KEY_FILE).toBe(pem);
    const jwks = write('keys.json', JSON.stringify({ keys: [{ ...ec.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' }] }));
    expect(validateClientGatewayEnv({ ...claims, AUTH_JWKS_FILE: jwks }).AUTH_JWKS_FILE).toBe(jwks);
  });

  it('names the key file that cannot be used', () => {
    expect(refused({ ...claims, AUTH_JWT_PUBLIC_KEY_FILE: join(dir, 'missing.pem') })).toContain('AUTH_JWT_PUBLIC_KEY_FILE: cannot read');
    expect(refused({ ...claims, AUTH_JWT_PUBLIC_KEY_FILE: write('bad.pem', 'not a key') })).toContain('is not a PEM public key');
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(refused({ ...claims, AUTH_JWT_PUBLIC_KEY_FILE: write('small.pem', small) })).toContain('at least 2048 bits');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(refused({ ...claims, AUTH_JWT_PUBLIC_KEY_FILE: write('p384.pem', p384) })).toContain('only RSA (RS256) and P-256 EC (ES256)');
    expect(refused({ ...claims, AUTH_JWKS_FILE: write('empty.json', '{"keys":[]}') })).toContain('AUTH_JWKS_FILE: ');
    expect(refused({ ...claims, AUTH_JWKS_FILE: write('text.json', 'keys') })).toContain('is not JSON');
    const lying = write('lying.json', JSON.stringify({ keys: [{ ...rsa.export({ format: 'jwk' }), alg: 'HS256' }] }));
    expect(refused({ ...claims, AUTH_JWKS_FILE: lying })).toContain('says alg HS256, but only RS256 fits');
  });

  it('takes METRICS_TOKEN of 16 characters or more', () => {
    expect(validateClientGatewayEnv({ ...AUTH, METRICS_TOKEN: 'm'.repeat(16) }).METRICS_TOKEN).toBe('m'.repeat(16));
    expect(validateClientGatewayEnv({ ...AUTH }).METRICS_TOKEN).toBeUndefined();
    expect(invalid({ METRICS_TOKEN: 'short' })).toContain('METRICS_TOKEN: METRICS_TOKEN must be at least 16 characters long');
  });
});
