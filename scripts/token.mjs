#!/usr/bin/env node
// npm run token -- <driver id> [--ttl=<seconds>]: prints a driver access token that npm start's
// gateways and station servers accept (they share the demo settings of dev-auth.mjs).
import { signDevToken } from './dev-auth.mjs';

const args = process.argv.slice(2);
const driverId = args.find((arg) => !arg.startsWith('--'));
const ttl = Number(args.find((arg) => arg.startsWith('--ttl='))?.slice('--ttl='.length) ?? 3600);

if (!driverId || driverId.length > 255 || !Number.isInteger(ttl) || ttl < 1) {
  process.stderr.write('usage: npm run token -- <driver id, 1-255 characters> [--ttl=<seconds, default 3600>]\n');
  process.exit(2);
}
process.stdout.write(`${signDevToken(driverId, ttl)}\n`);
