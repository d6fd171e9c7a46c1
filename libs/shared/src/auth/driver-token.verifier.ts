import type { JwtService } from '@nestjs/jwt';
import { MAX_ACCESS_TOKEN_LENGTH } from '../mqtt/envelope.js';
import type { DriverAuthEnvironment } from './driver-auth.env.js';
import { loadDriverKeys, type DriverKey } from './driver-keys.js';

/** Longest `sub` accepted as a driver id. */
const MAX_DRIVER_ID_LENGTH = 255;
/** A driver id is stored and compared as text: no control characters (PostgreSQL text cannot even hold NUL). */
const DRIVER_ID = /^\P{Cc}+$/u;
/** A compact JWS is three base64url parts; anything else is not even tried. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** The driver a verified token speaks for. */
export interface VerifiedDriver {
  /** The token's `sub`. */
  id: string;
  /** The token itself, forwarded with every command so the station server can verify it too. */
  token: string;
}

/** A token that cannot be trusted; the reason is safe to show to its holder. */
export class InvalidDriverTokenError extends Error {
  override readonly name = 'InvalidDriverTokenError';
}

export interface DriverTokenSettings {
  keys: DriverKey[];
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
}

export function driverTokenSettings(env: Pick<DriverAuthEnvironment, 'AUTH_JWT_SECRET' | 'AUTH_JWT_PUBLIC_KEY_FILE' | 'AUTH_JWKS_FILE' | 'AUTH_JWT_ISSUER' | 'AUTH_JWT_AUDIENCE' | 'AUTH_CLOCK_TOLERANCE_SECONDS'>): DriverTokenSettings {
  return { keys: loadDriverKeys(env), issuer: env.AUTH_JWT_ISSUER, audience: env.AUTH_JWT_AUDIENCE, clockToleranceSeconds: env.AUTH_CLOCK_TOLERANCE_SECONDS };
}

/**
 * Verifies driver tokens: signature with the configured key and its one algorithm, issuer,
 * audience, a required expiry, and a `sub` naming the driver.
 */
export class DriverTokenVerifier {
  constructor(
    private readonly jwt: JwtService,
    private readonly settings: DriverTokenSettings,
  ) {}

  verify(token: string): VerifiedDriver {
    if (token.length > MAX_ACCESS_TOKEN_LENGTH || !COMPACT_JWS.test(token)) throw new InvalidDriverTokenError('The access token is malformed');
    const key = this.keyFor(token);
    let claims: { sub?: unknown; exp?: unknown };
    try {
      claims = this.jwt.verify<{ sub?: unknown; exp?: unknown }>(token, {
        // jsonwebtoken takes a key object as it is; given text it builds one on every call (first
        // trying the text as a PEM public key, an exception for every HS256 token). The option
        // types of @nestjs/jwt name only strings and buffers.
        ...(key.algorithm === 'HS256' ? { secret: key.key as unknown as Buffer } : { publicKey: key.key as unknown as Buffer }),
        algorithms: [key.algorithm],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: this.settings.clockToleranceSeconds,
      });
    } catch (err) {
      throw new InvalidDriverTokenError(reason(err));
    }
    if (typeof claims.exp !== 'number') throw new InvalidDriverTokenError('The access token has no expiry');
    if (typeof claims.sub !== 'string' || !DRIVER_ID.test(claims.sub) || claims.sub.length > MAX_DRIVER_ID_LENGTH || !wellFormed(claims.sub)) {
      throw new InvalidDriverTokenError('The access token names no driver (sub)');
    }
    return { id: claims.sub, token };
  }

  /** The key named by the token's `kid`, or the only key there is. */
  private keyFor(token: string): DriverKey {
    const { keys } = this.settings;
    if (keys.length === 1 && keys[0].kid === undefined) return keys[0];
    let kid: unknown;
    try {
      kid = (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as { kid?: unknown } | null)?.kid;
    } catch {
      throw new InvalidDriverTokenError('The access token is malformed');
    }
    const key = kid === undefined && keys.length === 1 ? keys[0] : keys.find((candidate) => candidate.kid === kid);
    if (!key) throw new InvalidDriverTokenError('The access token is signed with an unknown key');
    return key;
  }
}

/** No lone surrogates: the id must survive UTF-8 unchanged to match the stored one. */
function wellFormed(text: string): boolean {
  return Buffer.from(text, 'utf8').toString('utf8') === text;
}

/** jsonwebtoken's errors, in words fit for a WWW-Authenticate error_description (no quotes). */
function reason(err: unknown): string {
  const { name, message } = err as { name?: string; message?: string };
  if (name === 'TokenExpiredError') return 'The access token expired';
  if (name === 'NotBeforeError') return 'The access token is not valid yet';
  if (message?.startsWith('jwt audience invalid')) return 'The access token is for another audience';
  if (message?.startsWith('jwt issuer invalid')) return 'The access token is from another issuer';
  if (message === 'invalid signature') return 'The access token signature is invalid';
  if (message === 'invalid algorithm') return 'The access token is signed with an algorithm that is not accepted';
  return 'The access token is invalid';
}
