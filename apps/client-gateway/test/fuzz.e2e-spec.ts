import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import fc from 'fast-check';
import type { LocationDto } from '@app/shared';
import type { AppProcess } from '../../../test/support/app-process.js';
import { eventually } from '../../../test/support/eventually.js';
import { signJwt } from '../../../test/support/jwt.js';
import { demoDataset } from '../../../test/support/paths.js';
import { TestSystem, type Gateway } from '../../../test/support/test-system.js';

/**
 * Property-based fuzzing of the gateway's HTTP surface with fast-check: random query strings,
 * paths, methods, headers and bodies must never make it answer 500 (or any 5xx other than the
 * documented 503/504), hang, or crash it or the station server behind it.
 *
 * The seed is fixed so a run is repeatable; a failure prints the seed, the counterexample and
 * its path (fast-check's report). FUZZ_SEED picks another seed, FUZZ_SCALE multiplies numRuns.
 */
const OPERATOR = 'BR-VDC';
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
/** Caps a property (shrinking included), so a failure is still reported within Jest's timeout. */
const TIME_LIMIT_MS = 40_000;
const REQUEST_TIMEOUT_MS = 10_000;
const MINUTE = 60_000;

const stations = JSON.parse(readFileSync(demoDataset(OPERATOR), 'utf8')) as LocationDto[];
const EVSES = stations.flatMap((station) => station.evses.map((evse) => ({ station: station.id, evse: evse.uid })));
const STATION_IDS = stations.map((station) => station.id);
const EVSE_UIDS = EVSES.map((pair) => pair.evse);

const PROBLEM_JSON = /^application\/problem\+json/;
const PLAIN_REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RESERVATION_ID = /^BR-VDC-[0-9a-f-]{36}$/;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
/** The driver of the fuzzed reservation requests that carry a valid token. */
const FUZZ_DRIVER = 'driver-fuzz';
/** Stands for a valid bearer token among generated header values (tokens expire, so it is signed when sent). */
const VALID_BEARER = '<valid bearer token>';

interface Answer {
  status: number;
  type: string | null;
  requestId: string | null;
  /** The Connection header of the answer (null: keep-alive, HTTP/1.1's default). */
  connection: string | null;
  /** The WWW-Authenticate header of the answer. */
  challenge?: string | null;
  text: string;
}

/** Strings that tend to break parsers, validators and databases. */
const EDGE_STRINGS = ['', ' ', '\u0000', 'a\u0000b', '\t', '\uFEFF', '\uFFFF', '😀', 'é', 'null', 'undefined', '__proto__', 'constructor', '../', '<script>', "' OR 1=1 --", '%00', '%'];

/** Percent-encoding garbage and separators, used raw in URLs. */
const URL_GARBAGE = ['%', '%%', '%zz', '%0', '%00', '%FF', '%C0%AF', '%E0%A4%A', '%ED%A0%80', '%2F', '%2f', '%5C', '%23', '%3F', '%26', '%3D', '+', '%2B', '%20', '%0A', '%0D%0A', '=', '==', '&', ';', '[]', '[0]', '~', '*', "'", '"', '<>', '`', '{}', '|', '\\', '^'];

// ---------------------------------------------------------------------------------------------
// HTTP helpers

/** Every request has a deadline: a hang fails the property instead of the whole Jest run. */
async function send(gateway: Gateway, method: string, path: string, headers: Record<string, string> = {}, body?: string | Uint8Array<ArrayBuffer>): Promise<Answer> {
  const response = await fetch(`${gateway.url}${path}`, { method, headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    requestId: response.headers.get('x-request-id'),
    connection: response.headers.get('connection'),
    challenge: response.headers.get('www-authenticate'),
    text: await response.text(),
  };
}

/**
 * A request with node:http, which sends the path exactly as given: fetch (WHATWG URL) would
 * resolve `..` and `.` segments (also `%2e%2e`) before they reach the gateway. Raw bytes
 * 0x80-0xFF in `path` go out as they are (Latin-1).
 */
function sendRaw(gateway: Gateway, agent: Agent, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const { hostname, port } = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ hostname, port, method, path, headers, agent, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          type: response.headers['content-type'] ?? null,
          requestId: (response.headers['x-request-id'] as string | undefined) ?? null,
          connection: response.headers.connection ?? null,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** A path or body as readable text: bytes outside visible ASCII are written as \\xNN or \\u{...}. */
const visible = (text: string) => text.replace(/[^\x20-\x7e]/gu, (c) => (c.codePointAt(0)! <= 0xff ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u{${c.codePointAt(0)!.toString(16)}}`));
const tail = (text: string, max = 1500) => (text.length > max ? `...${text.slice(-max)}` : text);

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Any code point but lone surrogates (encodeURIComponent and UTF-8 need well-formed strings). */
const unicode = (maxLength: number) => fc.string({ unit: 'binary', maxLength });
/** What a header value may hold for fetch: visible ASCII and spaces (fetch trims the ends). */
const headerLegal = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });
const plainToken = fc.stringMatching(/^[A-Za-z0-9._:-]{1,100}$/);
const driverToken = fc.oneof({ arbitrary: fc.constantFrom('fuzz-a', 'fuzz-b', 'fuzz.c_d'), weight: 2 }, { arbitrary: fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/), weight: 1 });
const reservationId = fc.oneof(
  fc.uuid().map((uuid) => `${OPERATOR}-${uuid}`),
  fc.uuid().map((uuid) => `BR-XYZ-${uuid}`),
  fc.uuid().map((uuid) => `${OPERATOR}-${uuid.toUpperCase()}`),
  fc.constantFrom(`${OPERATOR}-`, OPERATOR, 'BR-VDC-00000000-0000-0000-0000-000000000000', 'x'),
);

/** A query-string component: encoded unicode, raw unicode (fetch encodes it), garbage, or a legal token. */
const queryPart = fc.oneof(
  unicode(30).map(encodeURIComponent),
  unicode(30).map((s) => s.replace(/#/g, '%23')),
  fc.constantFrom(...URL_GARBAGE, ...EDGE_STRINGS.map(encodeURIComponent)),
  fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/),
);
const longQueryPart = fc
  .tuple(fc.constantFrom('x', '%41', encodeURIComponent('é'), encodeURIComponent('😀'), '%zz'), fc.integer({ min: 100, max: 2048 }))
  .map(([unit, bytes]) => unit.repeat(Math.max(1, Math.floor(bytes / unit.length))));
const queryKey = fc.oneof(queryPart, fc.constantFrom('token', 'token[]', 'token[0]', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'page', 'limit'));
const queryPair = fc.tuple(queryKey, fc.option(fc.oneof(queryPart, driverToken), { nil: undefined }), fc.boolean()).map(([key, value, withEquals]) =>
  value === undefined ? (withEquals ? `${key}=` : key) : `${key}=${value}`,
);
const queryString = fc
  .record({
    pairs: fc.array(queryPair, { maxLength: 6 }),
    repeatFirst: fc.boolean(),
    long: fc.option(fc.tuple(queryKey, longQueryPart), { nil: undefined }),
    separator: fc.constantFrom('&', '&', '&', '&&', ';'),
  })
  .map(({ pairs, repeatFirst, long, separator }) => {
    const all = [...pairs, ...(repeatFirst && pairs.length > 0 ? [pairs[0]] : []), ...(long ? [`${long[0]}=${long[1]}`] : [])];
    return all.join(separator);
  });

/** A well-formed list query (`token=<token>`), alone or beside random pairs, so that 200 is reached too. */
const listQuery = fc
  .tuple(driverToken, fc.array(queryPair, { maxLength: 2 }))
  .map(([token, others]) => [`token=${token}`, ...others].join('&'));

/** A path segment, sent raw: dot segments, encoded NUL and slash, garbage, unicode, very long. */
const pathSegment = fc.oneof(
  fc.constantFrom('..', '.', '%2e%2e', '%2E', '...', '', '%00', '%2F', '%2f..%2f', '%5C..%5C', ...URL_GARBAGE.filter((g) => !['%23', '%3F'].includes(g) && !/[\\^`{}|<>"]/.test(g))),
  fc.constantFrom('postos', 'reservas', 'health', 'live', 'ready', 'metrics', 'docs', 'docs-json', 'swagger-ui.css', 'swagger-ui-init.js', 'index.html', 'favicon.ico'),
  reservationId,
  unicode(20).map(encodeURIComponent),
  fc.stringMatching(/^[A-Za-z0-9_.:~!$&'()*+,;=@-]{1,20}$/),
  fc.tuple(fc.constantFrom('a', '%41', encodeURIComponent('é'), '..%2F'), fc.integer({ min: 50, max: 3000 })).map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length))),
  // Raw bytes 0x80-0xFF: node:http sends them as Latin-1, which is not UTF-8 in the request line.
  fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 4 }),
);
const randomPath = fc
  .record({
    prefix: fc.constantFrom('/postos', '/reservas', '/health', '/health/live', '/health/ready', '/metrics', '/docs', '/docs-json', '/', ''),
    segments: fc.array(pathSegment, { maxLength: 4 }),
    trailingSlash: fc.boolean(),
    query: fc.option(fc.constantFrom('?', '?token=fuzz-a', '?x=1', '?%zz', '?token=%00'), { nil: undefined }),
  })
  .map(({ prefix, segments, trailingSlash, query }) => {
    const path = [prefix, ...segments].join('/') + (trailingSlash ? '/' : '');
    return (path.startsWith('/') ? path : `/${path}`) + (query ?? '');
  });

/** How a valid instant may be written: RFC 3339, and other ISO 8601 forms the validator accepts. */
const TIME_FORMATS = ['z', 'z', 'z', 'z', 'seconds', 'offset', 'negative-offset', 'nanos', 'space', 'no-zone', 'date-only', 'week', 'ordinal', 'basic', 'hour', 'comma', 'short-offset', 'lowercase'] as const;
type TimeFormat = (typeof TIME_FORMATS)[number];
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function formatTime(date: Date, format: TimeFormat): string {
  const iso = date.toISOString();
  const withOffset = (minutes: number) => {
    const local = new Date(date.getTime() + minutes * MINUTE).toISOString().slice(0, 19);
    const sign = minutes < 0 ? '-' : '+';
    return `${local}${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
  };
  switch (format) {
    case 'z':
      return iso;
    case 'seconds':
      return `${iso.slice(0, 19)}Z`;
    case 'offset':
      return withOffset(330);
    case 'negative-offset':
      return withOffset(-180);
    case 'nanos':
      return `${iso.slice(0, 23)}456789Z`;
    case 'space':
      return `${iso.slice(0, 10)} ${iso.slice(11)}`;
    case 'no-zone':
      return iso.slice(0, 19);
    case 'date-only':
      return iso.slice(0, 10);
    case 'week': {
      // ISO week date of the same day: YYYY-Www-D.
      const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
      const weekday = day.getUTCDay() || 7;
      day.setUTCDate(day.getUTCDate() + 4 - weekday);
      const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
      const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
      return `${day.getUTCFullYear()}-W${pad(week)}-${weekday}`;
    }
    case 'ordinal': {
      const dayOfYear = Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
      return `${date.getUTCFullYear()}-${pad(dayOfYear, 3)}`;
    }
    case 'basic':
      return `${iso.slice(0, 19).replace(/[-:]/g, '')}Z`;
    case 'hour':
      return iso.slice(0, 13);
    case 'comma':
      return `${iso.slice(0, 19)},5Z`;
    case 'short-offset':
      return `${withOffset(300).slice(0, 19)}+05`;
    case 'lowercase':
      return iso.replace('T', 't').replace('Z', 'z');
  }
}

/** Ids of the dataset, mismatched pairs, or random strings that may or may not be legal ids. */
const bookingTarget = fc.oneof(
  { arbitrary: fc.constantFrom(...EVSES), weight: 6 },
  { arbitrary: fc.record({ station: fc.constantFrom(...STATION_IDS), evse: fc.constantFrom(...EVSE_UIDS) }), weight: 1 },
  { arbitrary: fc.record({ station: fc.stringMatching(/^[A-Za-z0-9_.-]{1,36}$/), evse: fc.stringMatching(/^[A-Za-z0-9_.-]{1,36}$/) }), weight: 1 },
  { arbitrary: fc.record({ station: fc.oneof(unicode(40), fc.constantFrom(...EDGE_STRINGS)), evse: fc.oneof(unicode(40), fc.constantFrom(...EDGE_STRINGS)) }), weight: 1 },
);

type WindowEnd =
  | { kind: 'none' }
  | { kind: 'duration'; minutes: number }
  | { kind: 'ends'; minutes: number }
  | { kind: 'both'; minutes: number };

const windowEnd: fc.Arbitrary<WindowEnd> = fc.oneof(
  { arbitrary: fc.constant<WindowEnd>({ kind: 'none' }), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 240 }).map<WindowEnd>((minutes) => ({ kind: 'duration', minutes })), weight: 4 },
  { arbitrary: fc.constantFrom(0, -1, 241, 1440, 1441, 1.5, 2 ** 31).map<WindowEnd>((minutes) => ({ kind: 'duration', minutes })), weight: 1 },
  { arbitrary: fc.integer({ min: -30, max: 300 }).map<WindowEnd>((minutes) => ({ kind: 'ends', minutes })), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 240 }).map<WindowEnd>((minutes) => ({ kind: 'both', minutes })), weight: 1 },
);

/** A booking close to a valid one; a fair share of them is valid (operator, ids, token, window). */
const bookingLike = fc.record({
  operator: fc.oneof({ arbitrary: fc.constant(OPERATOR), weight: 8 }, { arbitrary: fc.constantFrom('BR-XYZ', 'br-vdc', 'BR-VDCX', '', 'BR-VD'), weight: 1 }),
  target: bookingTarget,
  connector: fc.option(fc.oneof(fc.constantFrom('1', '2'), unicode(36), fc.constantFrom(...EDGE_STRINGS)), { nil: undefined }),
  token: fc.oneof({ arbitrary: driverToken, weight: 8 }, { arbitrary: fc.oneof(unicode(70), fc.constantFrom(...EDGE_STRINGS)), weight: 1 }),
  /** Minutes from now; undefined: starts_at omitted (now). A few in the past (refused). */
  startMinutes: fc.option(fc.oneof({ arbitrary: fc.integer({ min: 1, max: 2 * 24 * 60 }), weight: 9 }, { arbitrary: fc.integer({ min: -600, max: -2 }), weight: 1 }), {
    nil: undefined,
  }),
  format: fc.constantFrom(...TIME_FORMATS),
  end: windowEnd,
});
type BookingLike = typeof bookingLike extends fc.Arbitrary<infer T> ? T : never;

/** The JSON body of a booking, with times relative to the moment it is sent. */
function bookingBody(booking: BookingLike): Record<string, unknown> {
  const now = Date.now();
  const start = new Date(now + (booking.startMinutes ?? 0) * MINUTE);
  const body: Record<string, unknown> = {
    operator_id: booking.operator,
    station_id: booking.target.station,
    evse_uid: booking.target.evse,
    token: booking.token,
  };
  if (booking.connector !== undefined) body.connector_id = booking.connector;
  if (booking.startMinutes !== undefined) body.starts_at = formatTime(start, booking.format);
  const { end } = booking;
  if (end.kind === 'duration' || end.kind === 'both') body.duration_minutes = end.minutes;
  if (end.kind === 'ends' || end.kind === 'both') body.ends_at = formatTime(new Date(start.getTime() + end.minutes * MINUTE), booking.format);
  return body;
}

/** Any JSON value, or a value of the wrong type, for a field. */
const wrongValue = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0, '', [], {}, [1, 2], { $gt: '' }, ['BR-VDC'], 'BR-VDC', 'VDC-001', '2026-11-27T15:00:00Z'),
  fc.jsonValue({ maxDepth: 2 }),
  unicode(40),
);
const wrongTypes = fc
  .record(
    {
      operator_id: wrongValue,
      station_id: wrongValue,
      evse_uid: wrongValue,
      connector_id: wrongValue,
      starts_at: wrongValue,
      ends_at: wrongValue,
      duration_minutes: wrongValue,
      token: wrongValue,
      extra: wrongValue,
    },
    { requiredKeys: [] },
  )
  .map((fields) => JSON.stringify(fields));

const CONTENT_TYPES = ['application/json', 'text/plain', 'application/octet-stream'];
interface FuzzBody {
  label: string;
  contentType?: string;
  body?: string | Uint8Array<ArrayBuffer>;
  /** The booking sent, when the body is one: a 201 must be this booking. */
  booking?: BookingLike;
}

const json = (label: string) => (body: string): FuzzBody => ({ label, contentType: 'application/json', body });
const fuzzBody: fc.Arbitrary<FuzzBody> = fc.oneof(
  fc.anything({ maxDepth: 3 }).map((value) => json('anything')(JSON.stringify(value) ?? 'null')),
  fc.json({ maxDepth: 3 }).map(json('json')),
  fc.tuple(unicode(200), fc.constantFrom(...CONTENT_TYPES, undefined)).map(([body, contentType]): FuzzBody => ({ label: 'string', contentType, body })),
  fc.tuple(fc.uint8Array({ maxLength: 512 }), fc.constantFrom(...CONTENT_TYPES)).map(([body, contentType]): FuzzBody => ({ label: 'bytes', contentType, body })),
  wrongTypes.map(json('wrong-types')),
  { arbitrary: bookingLike.map((booking): FuzzBody => ({ label: 'booking', contentType: 'application/json', booking })), weight: 6 },
  fc
    .tuple(bookingLike, fc.integer({ min: 4097, max: 9000 }), fc.constantFrom('connector_id', 'pad'))
    .map(([booking, size, field]): FuzzBody => ({ label: 'oversize', contentType: 'application/json', body: JSON.stringify({ ...bookingBody(booking), [field]: 'x'.repeat(size) }) })),
  fc
    .tuple(fc.integer({ min: 1, max: 2000 }), fc.constantFrom('[', '{"a":'))
    .map(([depth, open]) => json('deep')(open.repeat(depth) + (open === '[' ? ']' : '1}').repeat(depth))),
  fc.constantFrom<FuzzBody>(
    { label: 'empty-json', contentType: 'application/json', body: '' },
    { label: 'empty', body: '' },
    { label: 'proto', contentType: 'application/json', body: '{"__proto__":{"token":"x"},"operator_id":"BR-VDC"}' },
    { label: 'constructor', contentType: 'application/json', body: '{"constructor":{"prototype":{"x":1}}}' },
    { label: 'latin1', contentType: 'application/json; charset=latin1', body: '{"operator_id":"BR-VDC"}' },
    { label: 'bom', contentType: 'application/json', body: '\uFEFF{}' },
    { label: 'nul', contentType: 'application/json', body: '{"token":"\\u0000"}' },
    { label: 'lone-surrogate', contentType: 'application/json', body: '{"connector_id":"\\ud800","operator_id":"BR-VDC","station_id":"VDC-001","evse_uid":"VDC-001-E1","token":"fuzz-a"}' },
  ),
);

const idempotencyKey = fc.option(
  fc.oneof({ arbitrary: fc.constantFrom('fuzz-key-1', 'fuzz-key-2', 'fuzz-key-3'), weight: 2 }, { arbitrary: plainToken, weight: 2 }, { arbitrary: headerLegal(120), weight: 1 }),
  { nil: undefined },
);

// ---------------------------------------------------------------------------------------------

describe('fuzzing the gateway (fast-check)', () => {
  const system = new TestSystem();
  let server: AppProcess;
  let gateway: Gateway;

  /** Fails with what was sent and what came back, and the end of both logs. */
  function check(ok: boolean, what: string, request: string, answer: Answer): void {
    if (ok) return;
    throw new Error(
      `${what}\nrequest: ${request}\nanswer: ${answer.status} ${answer.type ?? '-'} x-request-id=${answer.requestId ?? '-'} connection=${answer.connection ?? '-'}\n${tail(answer.text, 600)}\n` +
        `--- gateway log:\n${tail(gateway.process.log)}\n--- station server log:\n${tail(server.log)}`,
    );
  }

  const options = (numRuns: number): fc.Parameters<unknown> => ({ numRuns: runs(numRuns), seed: SEED, interruptAfterTimeLimit: TIME_LIMIT_MS });

  beforeAll(async () => {
    server = await system.stationServer(OPERATOR);
    gateway = await system.gateway({ BODY_LIMIT_BYTES: '4096' });
    await eventually(async () => expect((await send(gateway, 'GET', '/postos')).status).toBe(200));
  }, 60_000);

  afterAll(() => system.shutdown());

  it('answers random query strings on GET /postos and GET /reservas with a documented status, errors as problem+json', async () => {
    const allowed = [200, 400, 404, 429, 503, 504];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/postos', '/reservas'), fc.option(fc.oneof(queryString, listQuery), { nil: undefined }), async (path, query) => {
        const url = query === undefined ? path : `${path}?${query}`;
        const answer = await send(gateway, 'GET', url, system.auth.bearer(FUZZ_DRIVER));
        check(allowed.includes(answer.status), `status not in ${allowed.join(', ')}`, `GET ${visible(url)}`, answer);
        check(answer.status < 400 || PROBLEM_JSON.test(answer.type ?? ''), 'an error that is not problem+json', `GET ${visible(url)}`, answer);
      }),
      options(400),
    );
  }, 60_000);

  it('never answers 500 to random paths and methods, and keeps a connection it says it keeps', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...METHODS),
        randomPath,
        fc.option(fc.constantFrom('{}', '{"token":"fuzz-a"}', 'not json', '[]'), { nil: undefined }),
        async (method, path, body) => {
          const withBody = body !== undefined && ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);
          const headers: Record<string, string> = withBody ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {};
          const request = `${method} ${visible(path)}${withBody ? ` ${body}` : ''}`;
          // One keep-alive connection per run, as a browser or an HTTP client library keeps one.
          const agent = new Agent({ keepAlive: true, maxSockets: 1 });
          try {
            const answer = await sendRaw(gateway, agent, method, path, headers, withBody ? body : undefined);
            check(answer.status < 500 || answer.status === 503 || answer.status === 504, 'a 5xx other than 503/504', request, answer);
            // An answer without `Connection: close` promises that the connection stays usable:
            // a client sends its next request on it.
            if (answer.connection?.toLowerCase() !== 'close') {
              const next = await sendRaw(gateway, agent, 'GET', '/health/live').then(
                (probe) => `${probe.status}`,
                (error: unknown) => (error instanceof Object && 'message' in error ? String(error.message) : String(error)),
              );
              check(
                next === '200',
                `the next request (GET /health/live) on the kept-alive connection failed (${next}): the gateway closed it without Connection: close`,
                request,
                answer,
              );
            }
          } finally {
            agent.destroy();
          }
        },
      ),
      options(500),
    );
  }, 60_000);

  it('survives random headers on every endpoint, and echoes X-Request-ID only when it is a plain token', async () => {
    const endpoints = [
      { method: 'GET', path: '/postos' },
      { method: 'GET', path: '/docs' },
      { method: 'GET', path: '/docs-json' },
      { method: 'GET', path: '/health/live' },
      { method: 'GET', path: '/health/ready' },
      { method: 'GET', path: '/metrics' },
      { method: 'GET', path: '/reservas?token=fuzz-headers' },
      { method: 'GET', path: `/reservas/${OPERATOR}-3f1c2a1e-3b7d-4f7e-9b7a-0d3c7e1f2a4b` },
      { method: 'DELETE', path: `/reservas/${OPERATOR}-3f1c2a1e-3b7d-4f7e-9b7a-0d3c7e1f2a4b` },
      { method: 'POST', path: '/reservas', body: { operator_id: OPERATOR, station_id: 'VDC-001', evse_uid: 'VDC-001-E9', token: 'fuzz-headers' } },
      { method: 'POST', path: '/reservas', body: { operator_id: OPERATOR, station_id: 'VDC-001', evse_uid: 'VDC-001-E1', token: 'fuzz-headers', duration_minutes: 5 } },
      { method: 'POST', path: '/reservas', body: {} },
    ];
    const optionalHeader = (values: string[]) => fc.option(fc.oneof(fc.constantFrom(...values), headerLegal(100)), { nil: undefined });
    const headerSet = fc.record({
      'x-request-id': fc.option(fc.oneof(plainToken, fc.stringMatching(/^[A-Za-z0-9._:-]{101,120}$/), headerLegal(150), fc.constantFrom(' ', '', 'a b', ' padded ')), { nil: undefined }),
      'idempotency-key': idempotencyKey,
      'content-type': optionalHeader([
        'application/json',
        'application/json; charset=latin1',
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'application/json ; charset="utf-8"',
        'application/json;;;',
        'application/problem+json',
        'application/vnd.api+json',
        'text/plain',
        'text/html; charset=utf-8',
        'application/octet-stream',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'multipart/form-data; boundary=x',
        '*/*',
        '/',
        ';',
        '',
      ]),
      accept: optionalHeader(['application/json', 'application/problem+json', 'text/html', '*/*', '', 'garbage;;q=x', 'text/*;q=0']),
      authorization: optionalHeader(['Bearer ', 'Bearer x.y.z', 'Basic !!!', 'Basic Og==', `Bearer ${'x'.repeat(2000)}`, 'Digest', VALID_BEARER]),
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), headerSet, async (endpoint, generated) => {
        const headers = Object.fromEntries(
          Object.entries(generated)
            .filter((entry): entry is [string, string] => entry[1] !== undefined)
            .map(([name, value]) => [name, value === VALID_BEARER ? system.auth.bearer(FUZZ_DRIVER).authorization : value]),
        );
        const body = endpoint.body === undefined ? undefined : JSON.stringify(endpoint.body);
        const answer = await send(gateway, endpoint.method, endpoint.path, headers, body);
        const request = `${endpoint.method} ${endpoint.path} ${JSON.stringify(headers)}${body ? ` ${body}` : ''}`;
        check(answer.status < 500 || answer.status === 503 || answer.status === 504, 'a 5xx other than 503/504', request, answer);
        // fetch trims spaces at both ends of a header value; the gateway sees what is left.
        const sent = generated['x-request-id']?.replace(/^[ \t]+|[ \t]+$/g, '');
        if (sent !== undefined && PLAIN_REQUEST_ID.test(sent)) {
          check(answer.requestId === sent, 'a plain X-Request-ID that was not echoed', request, answer);
        } else {
          check(answer.requestId !== null && UUID.test(answer.requestId) && answer.requestId !== sent, 'no generated X-Request-ID', request, answer);
        }
      }),
      options(400),
    );
  }, 60_000);

  it('answers random bodies to POST /reservas with a documented status; a 201 is the reservation booked', async () => {
    const allowed = [201, 400, 404, 409, 413, 415, 422, 429, 503, 504];
    await fc.assert(
      fc.asyncProperty(fuzzBody, idempotencyKey, async (fuzz, key) => {
        const body = fuzz.booking ? JSON.stringify(bookingBody(fuzz.booking)) : fuzz.body;
        const headers: Record<string, string> = { ...system.auth.bearer(FUZZ_DRIVER) };
        if (fuzz.contentType !== undefined) headers['content-type'] = fuzz.contentType;
        if (key !== undefined) headers['idempotency-key'] = key;
        const answer = await send(gateway, 'POST', '/reservas', headers, body);
        const shown = body === undefined ? '' : typeof body === 'string' ? visible(tail(body, 800)) : `<${body.length} bytes>`;
        const request = `POST /reservas (${fuzz.label}) ${JSON.stringify(headers)} ${shown}`;
        check(allowed.includes(answer.status), `status not in ${allowed.join(', ')}`, request, answer);
        check(answer.status < 400 || PROBLEM_JSON.test(answer.type ?? ''), 'an error that is not problem+json', request, answer);
        if (answer.status === 201) {
          const reservation = JSON.parse(answer.text) as Record<string, unknown>;
          check(typeof reservation.id === 'string' && RESERVATION_ID.test(reservation.id), 'a 201 without a BR-VDC-<uuid> id', request, answer);
          check(reservation.status === 'RESERVED', 'a 201 that is not RESERVED', request, answer);
          if (fuzz.booking) {
            const { target, token } = fuzz.booking;
            check(
              reservation.station_id === target.station && reservation.evse_uid === target.evse && reservation.token === token,
              'a 201 for another booking than the one sent',
              request,
              answer,
            );
          }
        }
      }),
      options(600),
    );
  }, 60_000);

  it('never answers 5xx to a random Authorization header on the reservation routes; every 401 carries a Bearer challenge', async () => {
    const { auth } = system;
    const now = () => Math.floor(Date.now() / 1000);
    const claimValue = (valid: () => unknown) =>
      fc.oneof({ arbitrary: fc.constant(valid), weight: 4 }, { arbitrary: fc.jsonValue({ maxDepth: 1 }).map((v) => () => v), weight: 1 }, fc.constant(() => undefined));
    /** A token signed with the right secret whose claims may be anything. */
    const signedToken = fc
      .record({
        sub: fc.oneof(claimValue(() => FUZZ_DRIVER), unicode(300).map((v) => () => v)),
        iss: claimValue(() => auth.issuer),
        aud: fc.oneof(claimValue(() => auth.audience), fc.constant(() => [auth.audience, 'other'])),
        exp: fc.oneof(claimValue(() => now() + 600), fc.integer({ min: -100_000, max: 100_000 }).map((delta) => () => now() + delta), fc.constant(() => '9999999999')),
        nbf: fc.option(fc.integer({ min: -1000, max: 1000 }).map((delta) => () => now() + delta), { nil: undefined }),
        header: fc.option(fc.record({ alg: fc.constantFrom('HS256', 'HS512', 'RS256', 'ES256', 'none', ''), kid: fc.option(headerLegal(20), { nil: undefined }) }, { requiredKeys: [] }), {
          nil: undefined,
        }),
      })
      .map((parts) => () => {
        const claims = Object.fromEntries(
          Object.entries({ sub: parts.sub(), iss: parts.iss(), aud: parts.aud(), exp: parts.exp(), nbf: parts.nbf?.() }).filter(([, v]) => v !== undefined),
        );
        return signJwt(claims, auth.secret, 'HS256', parts.header ?? {});
      });
    /** A valid token, then broken: a character changed, cut short, segments shuffled or replaced. */
    const brokenToken = fc
      .record({ at: fc.nat(), char: fc.constantFrom('A', '_', '-', '.', '=', '+', '/', ' '), how: fc.constantFrom('flip', 'cut', 'swap', 'extra', 'none-alg', 'empty-signature') })
      .map(({ at, char, how }) => () => {
        const token = auth.token(FUZZ_DRIVER);
        const [header, payload, signature] = token.split('.');
        const i = at % token.length;
        switch (how) {
          case 'flip':
            return token.slice(0, i) + char + token.slice(i + 1);
          case 'cut':
            return token.slice(0, i);
          case 'swap':
            return `${payload}.${header}.${signature}`;
          case 'extra':
            return `${token}.${signature}`;
          case 'none-alg':
            return `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
          default:
            return `${header}.${payload}.`;
        }
      });
    const credentials = fc.oneof(
      { arbitrary: signedToken, weight: 3 },
      { arbitrary: brokenToken, weight: 3 },
      { arbitrary: fc.constant(() => auth.token(FUZZ_DRIVER)), weight: 1 },
      { arbitrary: headerLegal(200).map((v) => () => v), weight: 1 },
      { arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{0,40}\.[A-Za-z0-9_-]{0,40}\.[A-Za-z0-9_-]{0,40}$/).map((v) => () => v), weight: 1 },
    );
    const scheme = fc.constantFrom('Bearer ', 'bearer ', 'BEARER ', 'Bearer  ', 'Bearer\t', 'Bearer', 'Basic ', 'Token ', '');
    const routes = [
      { method: 'GET', path: '/reservas' },
      { method: 'GET', path: '/reservas?token=fuzz-auth' },
      { method: 'GET', path: `/reservas/${OPERATOR}-3f1c2a1e-3b7d-4f7e-9b7a-0d3c7e1f2a4b` },
      { method: 'DELETE', path: `/reservas/${OPERATOR}-3f1c2a1e-3b7d-4f7e-9b7a-0d3c7e1f2a4b` },
      { method: 'POST', path: '/reservas', body: { operator_id: OPERATOR, station_id: 'VDC-003', evse_uid: 'VDC-003-E1', token: 'fuzz-auth', duration_minutes: 5 } },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), scheme, credentials, fc.boolean(), async (route, prefix, makeCredentials, padded) => {
        const value = `${prefix}${makeCredentials()}${padded ? ' ' : ''}`;
        const body = route.body === undefined ? undefined : JSON.stringify({ ...route.body, starts_at: new Date(Date.now() + 30 * 24 * 60 * MINUTE).toISOString() });
        const headers: Record<string, string> = { authorization: value, ...(body ? { 'content-type': 'application/json' } : {}) };
        const answer = await send(gateway, route.method, route.path, headers, body);
        const request = `${route.method} ${route.path} authorization=${visible(value)}`;
        check(answer.status < 500, 'a 5xx', request, answer);
        if (answer.status === 401) check(PROBLEM_JSON.test(answer.type ?? '') && !!answer.challenge?.startsWith('Bearer realm="ev-charging"'), 'a 401 without problem+json and a Bearer challenge', request, answer);
      }),
      options(400),
    );
  }, 60_000);

  it('leaves the gateway and the station server running and serving', async () => {
    expect(gateway.process.running).toBe(true);
    expect(server.running).toBe(true);
    const answer = await send(gateway, 'GET', '/postos');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ operators: { answered: [OPERATOR] } });
  });
});
