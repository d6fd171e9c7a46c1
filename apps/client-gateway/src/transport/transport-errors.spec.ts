import 'reflect-metadata';
import { HttpException, HttpStatus } from '@nestjs/common';
import { BrokerUnavailableError, ErrorCode, NoResponderError, RemoteError, RequestTimeoutError } from '@app/shared';
import { BearerChallengeException } from '../auth/bearer-challenge.exception.js';
import { fromWireError, toHttpException } from './transport-errors.js';

function asHttp(error: unknown): HttpException {
  const mapped = toHttpException(error);
  expect(mapped).toBeInstanceOf(HttpException);
  return mapped as HttpException;
}

describe('toHttpException', () => {
  it('maps a station server\'s UNAUTHORIZED to a 401 with an invalid_token challenge, quotes kept out of the header', () => {
    const mapped = asHttp(new RemoteError({ code: ErrorCode.Unauthorized, message: 'The access token "x" expired' }));
    expect(mapped).toBeInstanceOf(BearerChallengeException);
    expect(mapped.getStatus()).toBe(401);
    expect((mapped as BearerChallengeException).challenge).toBe('Bearer realm="ev-charging", error="invalid_token", error_description="The access token ?x? expired"');
  });

  it('maps BrokerUnavailableError to 503 with its message', () => {
    const mapped = asHttp(new BrokerUnavailableError());
    expect(mapped.getStatus()).toBe(HttpStatus.SERVICE_UNAVAILABLE);
    expect(mapped.message).toBe('The message broker is unreachable');
  });

  it('maps NoResponderError to 503 with its message', () => {
    const mapped = asHttp(new NoResponderError('Operator BR-XYZ is offline'));
    expect(mapped.getStatus()).toBe(503);
    expect(mapped.message).toBe('Operator BR-XYZ is offline');
  });

  it('maps RequestTimeoutError to 504', () => {
    const mapped = asHttp(new RequestTimeoutError(3000));
    expect(mapped.getStatus()).toBe(HttpStatus.GATEWAY_TIMEOUT);
    expect(mapped.message).toBe('No reply within 3000 ms');
  });

  it.each([
    [ErrorCode.InvalidPayload, 400],
    [ErrorCode.Unauthorized, 401],
    [ErrorCode.NotFound, 404],
    [ErrorCode.Conflict, 409],
    [ErrorCode.Unavailable, 503],
    [ErrorCode.Internal, 502],
    [ErrorCode.UnknownTopic, 502],
    ['SOMETHING_NEW', 502],
  ])('maps a RemoteError with code %s to %i', (code, status) => {
    expect(asHttp(new RemoteError({ code, message: 'remote says no' })).getStatus()).toBe(status);
  });

  it('passes the remote message on for client errors', () => {
    expect(asHttp(new RemoteError({ code: ErrorCode.InvalidPayload, message: 'city must be a string' })).message).toBe(
      'city must be a string',
    );
    expect(asHttp(new RemoteError({ code: ErrorCode.NotFound, message: 'Station FSA-999 not found' })).message).toBe(
      'Station FSA-999 not found',
    );
  });

  it('keeps the details of a conflict', () => {
    const mapped = asHttp(new RemoteError({ code: ErrorCode.Conflict, message: 'EVSE is busy', details: { uid: 'FSA-001-E1' } }));
    expect(mapped.getResponse()).toEqual({ message: 'EVSE is busy', conflict: { uid: 'FSA-001-E1' } });
  });

  it('hides the remote message of an internal error', () => {
    const mapped = asHttp(new RemoteError({ code: ErrorCode.Internal, message: 'relation "stations" does not exist' }));
    expect(mapped.message).toBe('The station server failed to answer');
    expect(JSON.stringify(mapped.getResponse())).not.toContain('relation');
  });

  it.each([
    ['a plain Error', new Error('boom')],
    ['an HttpException', new HttpException('teapot', 418)],
    ['a string', 'boom'],
    ['undefined', undefined],
  ])('returns %s unchanged', (_, error) => {
    expect(toHttpException(error)).toBe(error);
  });
});

describe('fromWireError', () => {
  it('maps a wire error without a RemoteError around it', () => {
    expect(fromWireError({ code: ErrorCode.NotFound, message: 'gone' }).getStatus()).toBe(404);
  });
});
