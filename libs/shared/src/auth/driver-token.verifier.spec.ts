import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { signJwt, type TestClaims } from '../../../../test/support/jwt.js';
import { DriverTokenVerifier, InvalidDriverTokenError, driverTokenSettings } from './driver-token.verifier.js';

const ISSUER = 'https://id.example/';
const AUDIENCE = 'ev-charging';
const SECRET = 'a-secret-of-more-than-thirty-two-bytes';
const dir = mkdtempSync(join(tmpdir(), 'driver-token-'));
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function verifier(sources: { AUTH_JWT_SECRET?: string; AUTH_JWT_PUBLIC_KEY_FILE?: string; AUTH_JWKS_FILE?: string }): DriverTokenVerifier {
  return new DriverTokenVerifier(
    new JwtService(),
    driverTokenSettings({ ...sources, AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE, AUTH_CLOCK_TOLERANCE_SECONDS: 5 }),
  );
}

function claims(extra: TestClaims = {}): TestClaims {
  const now = Math.floor(Date.now() / 1000);
  return Object.fromEntries(Object.entries({ sub: 'driver-1', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600, ...extra }).filter(([, v]) => v !== undefined));
}

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidDriverTokenError);
    return (err as Error).message;
  }
  throw new Error('expected the token to be refused');
};

describe('DriverTokenVerifier with a shared secret (HS256)', () => {
  const hs = verifier({ AUTH_JWT_SECRET: SECRET });

  it('returns the driver of a valid token, and the token itself', () => {
    const token = signJwt(claims(), SECRET, 'HS256');
    expect(hs.verify(token)).toEqual({ id: 'driver-1', token });
  });

  it.each([
    ['expired', claims({ iat: 1, exp: 2 }), 'The access token expired'],
    ['for another audience', claims({ aud: 'someone-else' }), 'another audience'],
    ['from another issuer', claims({ iss: 'https://evil.example/' }), 'another issuer'],
    ['not valid yet', claims({ nbf: Math.floor(Date.now() / 1000) + 3600 }), 'not valid yet'],
    ['without expiry', claims({ exp: undefined }), 'has no expiry'],
    ['without subject', claims({ sub: undefined }), 'names no driver'],
    ['with an empty subject', claims({ sub: '' }), 'names no driver'],
    ['with a numeric subject', claims({ sub: 42 }), 'names no driver'],
    ['with a control character in the subject', claims({ sub: 'a\u0000b' }), 'names no driver'],
    ['with a lone surrogate in the subject', claims({ sub: 'a\ud800' }), 'names no driver'],
    ['with a subject of 256 characters', claims({ sub: 'd'.repeat(256) }), 'names no driver'],
  ])('refuses a token %s', (_, tokenClaims, reason) => {
    expect(refusal(() => hs.verify(signJwt(tokenClaims, SECRET, 'HS256')))).toContain(reason);
  });

  it('refuses a tampered payload, another secret, alg none and garbage', () => {
    const [header, , signature] = signJwt(claims(), SECRET, 'HS256').split('.');
    const forged = Buffer.from(JSON.stringify(claims({ sub: 'driver-2' }))).toString('base64url');
    expect(refusal(() => hs.verify(`${header}.${forged}.${signature}`))).toContain('signature is invalid');
    expect(refusal(() => hs.verify(signJwt(claims(), 'another-secret-of-thirty-two-bytes!!', 'HS256')))).toContain('signature is invalid');
    expect(refusal(() => hs.verify(signJwt(claims(), undefined, 'none')))).toBeDefined();
    for (const garbage of ['', 'x', 'a.b', 'a.b.c.d', '{}.{}.{}', `${'a'.repeat(9000)}.b.c`]) expect(refusal(() => hs.verify(garbage))).toBeDefined();
  });

  it('refuses a token signed with an asymmetric algorithm', () => {
    expect(refusal(() => hs.verify(signJwt(claims(), rsa.privateKey, 'RS256')))).toContain('algorithm');
  });
});

describe('DriverTokenVerifier with a public key file', () => {
  const rsaPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const rs = verifier({ AUTH_JWT_PUBLIC_KEY_FILE: file('rsa.pem', rsaPem) });

  it('accepts RS256 from the key', () => {
    expect(rs.verify(signJwt(claims(), rsa.privateKey, 'RS256')).id).toBe('driver-1');
  });

  it('refuses HS256 signed with the public key as the secret (algorithm confusion)', () => {
    expect(refusal(() => rs.verify(signJwt(claims(), rsaPem, 'HS256')))).toBeDefined();
  });

  it('accepts ES256 from a P-256 key, and only that', () => {
    const es = verifier({ AUTH_JWT_PUBLIC_KEY_FILE: file('ec.pem', ec.publicKey.export({ type: 'spki', format: 'pem' }).toString()) });
    expect(es.verify(signJwt(claims(), ec.privateKey, 'ES256')).id).toBe('driver-1');
    expect(refusal(() => es.verify(signJwt(claims(), otherEc.privateKey, 'ES256')))).toContain('signature is invalid');
    expect(refusal(() => es.verify(signJwt(claims(), rsa.privateKey, 'RS256')))).toBeDefined();
  });
});

describe('DriverTokenVerifier with a JWKS file', () => {
  const jwks = verifier({
    AUTH_JWKS_FILE: file(
      'jwks.json',
      JSON.stringify({
        keys: [
          { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', alg: 'ES256', use: 'sig' },
          { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1' },
          { ...otherEc.publicKey.export({ format: 'jwk' }), kid: 'enc-1', use: 'enc' },
        ],
      }),
    ),
  });

  it('picks the key by kid', () => {
    expect(jwks.verify(signJwt(claims(), ec.privateKey, 'ES256', { kid: 'ec-1' })).id).toBe('driver-1');
    expect(jwks.verify(signJwt(claims(), rsa.privateKey, 'RS256', { kid: 'rsa-1' })).id).toBe('driver-1');
  });

  it('refuses an unknown kid, a missing kid, an encryption key and a kid of the wrong key', () => {
    expect(refusal(() => jwks.verify(signJwt(claims(), ec.privateKey, 'ES256', { kid: 'nope' })))).toContain('unknown key');
    expect(refusal(() => jwks.verify(signJwt(claims(), ec.privateKey, 'ES256')))).toContain('unknown key');
    expect(refusal(() => jwks.verify(signJwt(claims(), otherEc.privateKey, 'ES256', { kid: 'enc-1' })))).toContain('unknown key');
    expect(refusal(() => jwks.verify(signJwt(claims(), ec.privateKey, 'ES256', { kid: 'rsa-1' })))).toBeDefined();
  });
});
