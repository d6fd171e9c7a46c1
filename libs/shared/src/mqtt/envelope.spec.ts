import { isReplyEnvelope, isRequestEnvelope } from './envelope.js';

const request = { id: 'req-1', reply_to: 'client/postos/response/gw-1', data: { city: 'Salvador' } };
const reply = { id: 'req-1', operator_id: 'BR-FSA', instance_id: 'station-br-fsa-1', data: { stations: [] } };

describe('isRequestEnvelope', () => {
  it('accepts a minimal request and one with every optional field', () => {
    expect(isRequestEnvelope(request)).toBe(true);
    expect(isRequestEnvelope({ ...request, request_id: 'r-1', expires_at: 1_790_000_000_000 })).toBe(true);
    expect(isRequestEnvelope({ ...request, data: undefined })).toBe(true);
  });

  it('accepts ids and request ids of exactly 100 characters', () => {
    expect(isRequestEnvelope({ ...request, id: 'x'.repeat(100), request_id: 'y'.repeat(100) })).toBe(true);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['an empty array', []],
    ['an array holding a request', [request]],
    ['a string', 'req-1'],
    ['a JSON string of a request', JSON.stringify(request)],
    ['a number', 42],
  ])('rejects %s', (_, value) => {
    expect(isRequestEnvelope(value)).toBe(false);
  });

  it.each([
    ['a missing id', { reply_to: request.reply_to, data: {} }],
    ['an empty id', { ...request, id: '' }],
    ['an id over 100 characters', { ...request, id: 'x'.repeat(101) }],
    ['a numeric id', { ...request, id: 1 }],
    ['a missing reply_to', { id: 'req-1', data: {} }],
    ['a non-string reply_to', { ...request, reply_to: 7 }],
    ['a null reply_to', { ...request, reply_to: null }],
    ['a NaN expires_at', { ...request, expires_at: Number.NaN }],
    ['an infinite expires_at', { ...request, expires_at: Number.POSITIVE_INFINITY }],
    ['a string expires_at', { ...request, expires_at: '1790000000000' }],
    ['a request_id over 100 characters', { ...request, request_id: 'r'.repeat(101) }],
    ['a non-string request_id', { ...request, request_id: 12 }],
  ])('rejects a request with %s', (_, value) => {
    expect(isRequestEnvelope(value)).toBe(false);
  });
});

describe('isReplyEnvelope', () => {
  it('accepts a data reply and an error reply', () => {
    expect(isReplyEnvelope(reply)).toBe(true);
    expect(isReplyEnvelope({ id: 'req-1', operator_id: 'BR-FSA', instance_id: 'i-1', error: { code: 'NOT_FOUND', message: 'no' } })).toBe(
      true,
    );
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['an empty array', []],
    ['an array holding a reply', [reply]],
    ['a string', 'req-1'],
    ['a JSON string of a reply', JSON.stringify(reply)],
  ])('rejects %s', (_, value) => {
    expect(isReplyEnvelope(value)).toBe(false);
  });

  it.each([
    ['a missing id', { operator_id: 'BR-FSA', instance_id: 'i-1' }],
    ['a numeric id', { ...reply, id: 1 }],
    ['a missing operator_id', { id: 'req-1', instance_id: 'i-1' }],
    ['a non-string operator_id', { ...reply, operator_id: null }],
    ['a missing instance_id', { id: 'req-1', operator_id: 'BR-FSA' }],
    ['a non-string instance_id', { ...reply, instance_id: 3 }],
  ])('rejects a reply with %s', (_, value) => {
    expect(isReplyEnvelope(value)).toBe(false);
  });
});
