/** Error codes carried in MQTT error replies; the gateway maps each to one HTTP status. */
export enum ErrorCode {
  /** The request payload failed validation. */
  InvalidPayload = 'INVALID_PAYLOAD',
  /** The request carries no driver token, or one that fails verification. */
  Unauthorized = 'UNAUTHORIZED',
  /** The addressed object does not exist (or belongs to another driver). */
  NotFound = 'NOT_FOUND',
  /** The request conflicts with the current state. */
  Conflict = 'CONFLICT',
  /** An idempotency key was used again with a different request. */
  IdempotencyMismatch = 'IDEMPOTENCY_MISMATCH',
  /** No handler for the topic. */
  UnknownTopic = 'UNKNOWN_TOPIC',
  /** The server failed; details stay in its log. */
  Internal = 'INTERNAL',
  /** The server cannot reach a dependency (its database). */
  Unavailable = 'UNAVAILABLE',
}

/** The error part of a reply envelope. */
export interface WireError {
  code: ErrorCode | string;
  message: string;
  details?: unknown;
}
