/** mulberry32: a tiny seeded PRNG, so a run's payloads can be produced again from its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Kind =
  | 'random-bytes'
  | 'truncated-json'
  | 'wrong-types'
  | 'bad-reply-to'
  | 'wrong-data'
  | 'deep-nesting'
  | 'oversized'
  | 'misdirected'
  | 'reserved-topic';

export interface HostilePayload {
  kind: Kind;
  /** Topic without the prefix: one the server reads, or, for `reserved-topic`, one it must not. */
  topic: string;
  payload: string | Buffer;
  /**
   * Set on envelopes that are valid apart from their data and reply on the test's own topic: by the
   * README, a station server answers them with an INVALID_PAYLOAD error reply carrying this id.
   */
  invalidPayloadId?: string;
}

export interface HostileOptions {
  seed: number;
  /** A reply topic the test listens on (without prefix), for envelopes that are valid apart from their data. */
  sinkReplyTo: string;
  /** The gateway's own reply topic (without prefix): replies with ids it never sent must be ignored. */
  gatewayReplyTo: string;
  /** Topics the station server reads (without prefix); each payload goes to one of them, picked by the seed. */
  readTopics: string[];
  /** Topics of the contract that no server handles yet (without prefix), for the `reserved-topic` kind. */
  reservedTopics: string[];
  /** A valid driver token carried by every envelope, so that reservation commands reach their data checks. */
  accessToken: string;
}

/** How many payloads of each kind (2000 in all); the oversized ones stay few. */
export const PLAN: Record<Kind, number> = {
  'random-bytes': 400,
  'truncated-json': 300,
  'wrong-types': 420,
  'bad-reply-to': 210,
  'wrong-data': 300,
  'deep-nesting': 60,
  oversized: 6,
  misdirected: 104,
  'reserved-topic': 200,
};

/**
 * Hostile messages for the topics a station server reads, in a seeded random order: bytes that are
 * not text, JSON cut short, envelopes whose fields have the wrong types, reply topics a server must
 * never publish on, valid envelopes whose data is wrong, very deep JSON, payloads over the size
 * limit, requests whose replies go to the gateway with ids it never sent, and a mix of these on
 * reserved topics. One seed gives the same kinds, topics and bytes on every run (apart from the
 * gateway's client id in the misdirected ones and the access token every envelope carries).
 */
export function hostilePayloads({ seed, sinkReplyTo, gatewayReplyTo, readTopics, reservedTopics, accessToken }: HostileOptions): HostilePayload[] {
  const random = mulberry32(seed);
  const int = (max: number) => Math.floor(random() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  // Ids come from the seed too, so a run can be replayed.
  const id = () => `h-${int(0xffffffff).toString(16)}-${int(0xffffffff).toString(16)}`;
  // No expires_at, which would change from run to run.
  const envelope = (extra: Record<string, unknown> = {}) => ({ id: id(), reply_to: sinkReplyTo, access_token: accessToken, data: {}, ...extra });
  const deep = (depth: number, open: string, close: string, leaf = '1') => open.repeat(depth) + leaf + close.repeat(depth);

  const hostileValues: unknown[] = [
    0, -1, 1e308, 3.14, true, false, null, '', 'x', '\u0000', '💥', [], [1, 'a', null], {}, { $gt: '' }, { nested: { deeper: [{}] } },
    'a'.repeat(101), ['server/postos/request'],
  ];

  const makers: Record<Kind, () => Omit<HostilePayload, 'kind' | 'topic'>> = {
    'random-bytes': () => {
      const bytes = Buffer.alloc(1 + int(2048));
      for (let i = 0; i < bytes.length; i++) bytes[i] = int(256);
      return { payload: bytes };
    },
    'truncated-json': () => {
      const text = JSON.stringify(envelope({ request_id: id(), data: { q: 'x'.repeat(int(200)) } }));
      return { payload: text.slice(0, 1 + int(text.length - 1)) };
    },
    'wrong-types': () => {
      const variants: Array<() => unknown> = [
        () => pick(hostileValues),
        () => ({ ...envelope(), id: pick(hostileValues.filter((v) => typeof v !== 'string' || v === '' || v.length > 100)) }),
        () => ({ ...envelope(), id: int(1_000_000) }),
        () => ({ ...envelope(), reply_to: pick(hostileValues.filter((v) => typeof v !== 'string')) }),
        () => ({ ...envelope(), request_id: pick([42, {}, [], true, 'r'.repeat(101)]) }),
        () => ({ ...envelope(), expires_at: pick(['soon', {}, [], true, '9999999999999']) }),
        () => ({ id: id(), data: {} }),
        () => ({ reply_to: sinkReplyTo, data: {} }),
        () => [envelope(), envelope()],
        () => ({ envelope: envelope() }),
      ];
      return { payload: JSON.stringify(pick(variants)()) };
    },
    'bad-reply-to': () => {
      const replyTo = pick([
        'server/postos/request',
        'server/postos/request/BR-VDC',
        'server/status/BR-VDC/fake',
        'client/postos/response/#',
        'client/+/response/x',
        'client/postos/response/a/b',
        '#',
        '+',
        '$SYS/broker/clients',
        '',
        'client/postos/response/',
        `${sinkReplyTo}/#`,
        `../${sinkReplyTo}`,
      ]);
      return { payload: JSON.stringify(envelope({ reply_to: replyTo })) };
    },
    'wrong-data': () => {
      const variants: unknown[] = [
        7, 'text', [1, 2], null, true, [], [{}],
        { unexpected: true },
        { city: 42 },
        { query: { $where: 'sleep(1000)' } },
        { nested: { objects: { where: { strings: 'belong' } } } },
        { constructor: { prototype: { polluted: true } } },
        JSON.parse('{"__proto__":{"polluted":true}}'),
        // Reservation commands with every field wrong in its own way (none of these is a valid command).
        { station_id: 42, evse_uid: ['VDC-001-E1'], token: { $ne: null }, idempotency_key: 1 },
        { station_id: 'VDC-001', evse_uid: 'VDC-001-E1', token: 'T1', idempotency_key: 'k', duration_minutes: 'forever' },
        { station_id: 'VDC-001', evse_uid: 'VDC-001-E1', token: 'T1', idempotency_key: 'k', duration_minutes: 0 },
        { station_id: 'VDC-001', evse_uid: 'VDC-001-E1', token: 'T1', idempotency_key: 'k', starts_at: 'yesterday' },
        { station_id: '../../etc/passwd', evse_uid: "x' OR 1=1 --", token: 'T1', idempotency_key: 'k' },
        { id: {} },
        { id: "'; DROP TABLE reservations; --" },
        { token: 't'.repeat(10_000) },
      ];
      const bad = envelope({ data: pick(variants) });
      return { payload: JSON.stringify(bad), invalidPayloadId: bad.id };
    },
    'deep-nesting': () => {
      // At most 40 000 levels: 6 bytes a level stays under the 256 KiB limit, so the depth is what is tested.
      const depth = pick([1000, 5000, 20_000, 40_000]);
      const requestId = id();
      const variants = [
        () => ({ payload: deep(depth, '[', ']') }),
        () => ({ payload: deep(depth, '{"a":', '}') }),
        () => ({ payload: `{"id":"${requestId}","reply_to":"${sinkReplyTo}","access_token":"${accessToken}","data":${deep(depth, '{"a":', '}')}}`, invalidPayloadId: requestId }),
        () => ({ payload: `{"id":"${requestId}","reply_to":"${sinkReplyTo}","access_token":"${accessToken}","data":{"list":${deep(depth, '[', ']')}}}`, invalidPayloadId: requestId }),
        () => ({ payload: `{"id":${deep(depth, '[', ']')},"reply_to":"${sinkReplyTo}","data":{}}` }),
      ];
      return pick(variants)();
    },
    oversized: () => {
      const variants = [
        () => JSON.stringify(envelope({ data: { padding: 'y'.repeat(300 * 1024) } })),
        () => Buffer.alloc(2 * 1024 * 1024, 'x'),
        () => `{"id":"${id()}","reply_to":"${sinkReplyTo}","data":[${'0,'.repeat(1024 * 1024)}0]}`,
      ];
      return { payload: pick(variants)() };
    },
    misdirected: () => {
      // A request the gateway never sent, answered on the gateway's own reply topic.
      const variants = [
        () => envelope({ reply_to: gatewayReplyTo }),
        () => envelope({ reply_to: gatewayReplyTo, data: 'text' }),
        () => envelope({ reply_to: gatewayReplyTo, request_id: id() }),
        () => envelope({ reply_to: gatewayReplyTo, bare_reply: true }),
      ];
      return { payload: JSON.stringify(pick(variants)()) };
    },
    'reserved-topic': () => {
      const kinds: Kind[] = ['random-bytes', 'truncated-json', 'wrong-types', 'bad-reply-to', 'wrong-data', 'misdirected'];
      const valid = () => ({ payload: JSON.stringify(envelope()) });
      const made = random() < 0.2 ? valid() : makers[pick(kinds)]();
      // Nothing handles the reserved topic yet: no reply of any kind is expected.
      return { payload: made.payload };
    },
  };

  const plan = (Object.entries(PLAN) as Array<[Kind, number]>).flatMap(([kind, count]) => Array.from({ length: count }, () => kind));
  // Fisher-Yates with the seeded PRNG: the kinds arrive interleaved.
  for (let i = plan.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [plan[i], plan[j]] = [plan[j], plan[i]];
  }
  return plan.map((kind) => ({ kind, topic: pick(kind === 'reserved-topic' ? reservedTopics : readTopics), ...makers[kind]() }));
}
