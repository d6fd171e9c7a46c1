import type { WireError } from '../errors/error-codes.js';

/** A request as published on a `server/...` topic. Works the same on MQTT 3.1.1 and 5. */
export interface RequestEnvelope<T = unknown> {
  /** Correlation id, unique per request. */
  id: string;
  /** Reply topic (without the deployment prefix): `client/<resource>/response/<clientId>`. */
  reply_to: string;
  /** End-to-end trace id (the HTTP request's X-Request-ID). */
  request_id?: string;
  /** Epoch milliseconds after which the request must not be processed any more. */
  expires_at?: number;
  /**
   * The requester reads MQTT 5 reply properties: the reply may be the bare data, with the id in
   * `correlationData` and operator_id, instance_id (and `error` on failure) in user properties.
   */
  bare_reply?: boolean;
  /** The driver's access token (JWT) of the HTTP request; the server verifies it itself. */
  access_token?: string;
  data: T;
}

/**
 * A reply as published on the requester's `client/.../response/<clientId>` topic. (A requester that
 * asked for `bare_reply` on MQTT 5 gets the same fields as properties, and `data`/`error` as the payload.)
 */
export interface ReplyEnvelope<T = unknown> {
  id: string;
  operator_id: string;
  instance_id: string;
  data?: T;
  error?: WireError;
}

const MAX_ID_LENGTH = 100;
/** Longer than any token an identity provider issues, short of a payload worth parsing. */
export const MAX_ACCESS_TOKEN_LENGTH = 8192;

/** Narrows parsed JSON to a request envelope; anything else is not a request. */
export function isRequestEnvelope(value: unknown): value is RequestEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<RequestEnvelope>;
  return (
    typeof v.id === 'string' &&
    v.id.length > 0 &&
    v.id.length <= MAX_ID_LENGTH &&
    typeof v.reply_to === 'string' &&
    (v.request_id === undefined || (typeof v.request_id === 'string' && v.request_id.length <= MAX_ID_LENGTH)) &&
    (v.expires_at === undefined || Number.isFinite(v.expires_at)) &&
    (v.access_token === undefined || (typeof v.access_token === 'string' && v.access_token.length <= MAX_ACCESS_TOKEN_LENGTH))
  );
}

/** Narrows parsed JSON to a reply envelope. */
export function isReplyEnvelope(value: unknown): value is ReplyEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<ReplyEnvelope>;
  return typeof v.id === 'string' && typeof v.operator_id === 'string' && typeof v.instance_id === 'string';
}
