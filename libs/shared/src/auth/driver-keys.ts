import { createPublicKey, createSecretKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The only algorithms a driver token may be signed with: HMAC for a shared secret, one per asymmetric key type. */
export type DriverTokenAlgorithm = 'HS256' | 'RS256' | 'ES256';

/** One key a token may be verified with, and the one algorithm it is used with (no algorithm confusion). */
export interface DriverKey {
  /** The JWKS `kid`, when the key came from a JWKS file that names it. */
  kid?: string;
  /** The public key or the shared secret, made into a key object once (not on every verification). */
  key: KeyObject;
  algorithm: DriverTokenAlgorithm;
}

/** Where the keys come from: exactly one of these settings. */
export interface DriverKeySources {
  AUTH_JWT_SECRET?: string;
  AUTH_JWT_PUBLIC_KEY_FILE?: string;
  AUTH_JWKS_FILE?: string;
}

/** A setting that cannot be used, named as the environment validation names it. */
export class DriverKeyError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** HS256 needs at least as many secret bytes as its hash has (RFC 7518, 3.2). */
export const MIN_SECRET_LENGTH = 32;
const KEY_SOURCES = ['AUTH_JWT_SECRET', 'AUTH_JWT_PUBLIC_KEY_FILE', 'AUTH_JWKS_FILE'] as const;

/** Reads the verification keys the settings name; throws a DriverKeyError naming the setting that is wrong. */
export function loadDriverKeys(sources: DriverKeySources): DriverKey[] {
  const given = KEY_SOURCES.filter((name) => sources[name] !== undefined && sources[name] !== '');
  if (given.length !== 1) {
    throw new DriverKeyError(
      given[0] ?? 'AUTH_JWT_SECRET',
      `set exactly one of ${KEY_SOURCES.join(', ')} to verify driver tokens` + (given.length > 1 ? ` (${given.join(' and ')} are both set)` : ''),
    );
  }
  if (sources.AUTH_JWT_SECRET !== undefined) {
    if (Buffer.byteLength(sources.AUTH_JWT_SECRET) < MIN_SECRET_LENGTH) {
      throw new DriverKeyError('AUTH_JWT_SECRET', `AUTH_JWT_SECRET must be at least ${MIN_SECRET_LENGTH} bytes long for HS256`);
    }
    // Made a key once, so a value the HMAC cannot use stops the start.
    return [{ key: createSecretKey(Buffer.from(sources.AUTH_JWT_SECRET)), algorithm: 'HS256' }];
  }
  if (sources.AUTH_JWT_PUBLIC_KEY_FILE !== undefined) {
    const field = 'AUTH_JWT_PUBLIC_KEY_FILE';
    const text = readSetting(field, sources.AUTH_JWT_PUBLIC_KEY_FILE);
    let key: KeyObject;
    try {
      key = createPublicKey(text);
    } catch (err) {
      throw new DriverKeyError(field, `${field} ${sources.AUTH_JWT_PUBLIC_KEY_FILE} is not a PEM public key (${(err as Error).message})`);
    }
    return [publicKey(field, key)];
  }
  const field = 'AUTH_JWKS_FILE';
  const text = readSetting(field, sources.AUTH_JWKS_FILE!);
  let jwks: { keys?: unknown };
  try {
    jwks = JSON.parse(text) as { keys?: unknown };
  } catch {
    throw new DriverKeyError(field, `${field} ${sources.AUTH_JWKS_FILE} is not JSON`);
  }
  if (!Array.isArray(jwks?.keys)) throw new DriverKeyError(field, `${field} ${sources.AUTH_JWKS_FILE} has no "keys" array`);
  // Keys for other uses (encryption) are skipped, as RFC 7517 lets a set hold them.
  const signing = (jwks.keys as JsonWebKey[]).filter((jwk) => typeof jwk === 'object' && jwk !== null && jwk.use !== 'enc');
  const keys = signing.map((jwk, i) => {
    let key: KeyObject;
    try {
      key = createPublicKey({ key: jwk, format: 'jwk' });
    } catch (err) {
      throw new DriverKeyError(field, `${field}: key ${i} is not a public JWK (${(err as Error).message})`);
    }
    const loaded = publicKey(field, key);
    if (typeof jwk.alg === 'string' && jwk.alg !== loaded.algorithm) {
      throw new DriverKeyError(field, `${field}: key ${i} says alg ${jwk.alg}, but only ${loaded.algorithm} fits its key type`);
    }
    return { ...loaded, ...(typeof jwk.kid === 'string' ? { kid: jwk.kid } : {}) };
  });
  if (keys.length === 0) throw new DriverKeyError(field, `${field} ${sources.AUTH_JWKS_FILE} holds no signing key`);
  return keys;
}

function readSetting(field: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new DriverKeyError(field, `${field}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** RSA keys verify RS256 only, P-256 keys ES256 only. */
function publicKey(field: string, key: KeyObject): DriverKey {
  if (key.asymmetricKeyType === 'rsa') {
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new DriverKeyError(field, `${field}: an RSA key must have at least 2048 bits`);
    return { key, algorithm: 'RS256' };
  }
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return { key, algorithm: 'ES256' };
  throw new DriverKeyError(field, `${field}: only RSA (RS256) and P-256 EC (ES256) public keys are supported`);
}
