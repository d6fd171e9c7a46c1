import { createHmac, randomBytes, sign, type KeyObject } from 'node:crypto';

/** Claims of a test token; `undefined` leaves a claim out. */
export interface TestClaims {
  sub?: unknown;
  iss?: unknown;
  aud?: unknown;
  exp?: unknown;
  nbf?: unknown;
  iat?: unknown;
  [claim: string]: unknown;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Signs a JWT with node:crypto alone (independent of the code under test): HS256 with a secret,
 * RS256 or ES256 with a private key, or `none` (no signature) for forgeries.
 */
export function signJwt(claims: TestClaims, key: string | KeyObject | undefined, alg: 'HS256' | 'RS256' | 'ES256' | 'none', header: Record<string, unknown> = {}): string {
  const input = `${base64url({ alg, typ: 'JWT', ...header })}.${base64url(claims)}`;
  if (alg === 'none') return `${input}.`;
  if (alg === 'HS256') return `${input}.${createHmac('sha256', key as string).update(input).digest('base64url')}`;
  const signature = sign('sha256', Buffer.from(input), alg === 'ES256' ? { key: key as KeyObject, dsaEncoding: 'ieee-p1363' } : (key as KeyObject));
  return `${input}.${signature.toString('base64url')}`;
}

/** Driver-token settings of one test system: a random secret, and its issuer and audience. */
export class TestAuth {
  readonly secret = randomBytes(32).toString('hex');
  readonly issuer = 'https://id.test.example/';
  readonly audience = 'ev-charging-test';

  env(): Record<string, string> {
    return { AUTH_JWT_SECRET: this.secret, AUTH_JWT_ISSUER: this.issuer, AUTH_JWT_AUDIENCE: this.audience };
  }

  /** A valid token of `driverId` for an hour; `claims` override or (as undefined) remove claims. */
  token(driverId: string, claims: TestClaims = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const all: TestClaims = { sub: driverId, iss: this.issuer, aud: this.audience, iat: now, exp: now + 3600, ...claims };
    return signJwt(Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined)), this.secret, 'HS256');
  }

  /** `Authorization` header of a valid token of `driverId`. */
  bearer(driverId: string): { authorization: string } {
    return { authorization: `Bearer ${this.token(driverId)}` };
  }
}
