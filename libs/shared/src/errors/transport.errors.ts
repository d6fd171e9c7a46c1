import type { WireError } from './error-codes.js';

/** Base class of the failures a request over MQTT can end in. */
export abstract class TransportError extends Error {}

/** The gateway is not connected to the broker. */
export class BrokerUnavailableError extends TransportError {
  override readonly name = 'BrokerUnavailableError';
  constructor(message = 'The message broker is unreachable') {
    super(message);
  }
}

/** No live server can take the request (no operator, or not the addressed one). */
export class NoResponderError extends TransportError {
  override readonly name = 'NoResponderError';
}

/** The deadline passed before a reply arrived. */
export class RequestTimeoutError extends TransportError {
  override readonly name = 'RequestTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`No reply within ${timeoutMs} ms`);
  }
}

/** The server answered with an error reply. */
export class RemoteError extends TransportError {
  override readonly name = 'RemoteError';
  constructor(readonly error: WireError) {
    super(error.message);
  }
}
