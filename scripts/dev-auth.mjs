// Driver tokens for local runs: the settings npm start gives every gateway and station server, and
// a signer for them (HS256 with node:crypto). A demo secret: never use it outside a local run.
import { createHmac } from 'node:crypto';

export const DEV_AUTH_ENV = {
  AUTH_JWT_SECRET: 'local-dev-secret-of-npm-start-do-not-deploy-0001',
  AUTH_JWT_ISSUER: 'ev-charging-dev',
  AUTH_JWT_AUDIENCE: 'ev-charging',
};

const base64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A token for `driverId` that the local run accepts, valid for `ttlSeconds`. */
export function signDevToken(driverId, ttlSeconds = 3600) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: driverId, iss: DEV_AUTH_ENV.AUTH_JWT_ISSUER, aud: DEV_AUTH_ENV.AUTH_JWT_AUDIENCE, iat: now, exp: now + ttlSeconds };
  const signingInput = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
  return `${signingInput}.${createHmac('sha256', DEV_AUTH_ENV.AUTH_JWT_SECRET).update(signingInput).digest('base64url')}`;
}
