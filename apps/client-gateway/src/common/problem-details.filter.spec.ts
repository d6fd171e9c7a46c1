import 'reflect-metadata';
import { jest } from '@jest/globals';
import {
  BadRequestException,
  HttpException,
  InternalServerErrorException,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
  type ArgumentsHost,
} from '@nestjs/common';
import { BearerChallengeException } from '../auth/bearer-challenge.exception.js';
import { PROBLEM_JSON, ProblemDetailsFilter } from './problem-details.filter.js';

/** A Fastify reply that records what the filter does with it. */
class FakeReply {
  statusCode?: number;
  headers: Record<string, string> = {};
  body?: unknown;
  sendCount = 0;

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  header(name: string, value: string): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }

  send(body: unknown): this {
    this.body = body;
    this.sendCount += 1;
    return this;
  }
}

function hostFor(request: object, reply: FakeReply): ArgumentsHost {
  const http = { getRequest: () => request, getResponse: () => reply, getNext: () => undefined };
  return {
    switchToHttp: () => http,
    getType: () => 'http',
    getArgs: () => [request, reply],
    getArgByIndex: (i: number) => [request, reply][i],
    switchToRpc: () => {
      throw new Error('not rpc');
    },
    switchToWs: () => {
      throw new Error('not ws');
    },
  } as unknown as ArgumentsHost;
}

describe('ProblemDetailsFilter', () => {
  const request = { url: '/postos?x=1', method: 'GET', id: 'r-1' };
  let filter: ProblemDetailsFilter;
  let reply: FakeReply;
  let logError: jest.SpiedFunction<Logger['error']>;
  let logWarn: jest.SpiedFunction<Logger['warn']>;

  beforeEach(() => {
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    logWarn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    filter = new ProblemDetailsFilter();
    reply = new FakeReply();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('answers an HttpException as problem details', () => {
    filter.catch(new HttpException('No station FSA-999', 404), hostFor(request, reply));

    expect(reply.statusCode).toBe(404);
    expect(reply.headers['content-type']).toBe(PROBLEM_JSON);
    expect(PROBLEM_JSON).toBe('application/problem+json');
    expect(reply.sendCount).toBe(1);
    expect(reply.body).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No station FSA-999',
      instance: '/postos',
      request_id: 'r-1',
    });
    expect(logWarn).not.toHaveBeenCalled();
    expect(logError).not.toHaveBeenCalled();
  });

  it('takes the detail from the message of a built-in exception', () => {
    filter.catch(new NotFoundException('Station FSA-999 not found'), hostFor(request, reply));

    expect(reply.statusCode).toBe(404);
    expect(reply.body).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'Station FSA-999 not found',
      instance: '/postos',
      request_id: 'r-1',
    });
  });

  it('keeps the errors of a validation failure', () => {
    const errors = [
      { field: 'lat', message: 'lat must not be greater than 90' },
      { field: 'radius_km', message: 'radius_km must be a number' },
    ];
    filter.catch(new BadRequestException({ message: 'The request is invalid', errors }), hostFor(request, reply));

    expect(reply.statusCode).toBe(400);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(reply.body).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'The request is invalid',
      instance: '/postos',
      request_id: 'r-1',
      errors,
    });
  });

  it('joins a list of messages into the detail', () => {
    filter.catch(new BadRequestException(['lat must be a number', 'lon must be a number']), hostFor(request, reply));

    expect(reply.body).toMatchObject({ status: 400, detail: 'lat must be a number; lon must be a number' });
    expect(reply.body).not.toHaveProperty('errors');
  });

  it('answers an error that is not an HttpException with a bare 500 and logs it', () => {
    const error = new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2');
    filter.catch(error, hostFor(request, reply));

    expect(reply.statusCode).toBe(500);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(reply.body).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred',
      instance: '/postos',
      request_id: 'r-1',
    });
    const sent = JSON.stringify(reply.body);
    expect(sent).not.toContain('ECONNREFUSED');
    expect(sent).not.toContain('hunter2');
    expect(logError).toHaveBeenCalledTimes(1);
    expect(String(logError.mock.calls[0][0])).toContain('ECONNREFUSED');
  });

  it('answers a thrown non-Error value with a bare 500', () => {
    filter.catch('secret string', hostFor(request, reply));

    expect(reply.statusCode).toBe(500);
    expect(JSON.stringify(reply.body)).not.toContain('secret');
  });

  it('hides the message of an InternalServerErrorException', () => {
    filter.catch(new InternalServerErrorException('pool exhausted at db-3'), hostFor(request, reply));

    expect(reply.statusCode).toBe(500);
    expect(reply.body).toMatchObject({ status: 500, detail: 'An unexpected error occurred' });
    expect(JSON.stringify(reply.body)).not.toContain('db-3');
  });

  it('logs server-side failures as a warning with the request id', () => {
    filter.catch(new ServiceUnavailableException('No operator is online'), hostFor(request, reply));

    expect(reply.statusCode).toBe(503);
    expect(reply.body).toMatchObject({ title: 'Service Unavailable', detail: 'No operator is online' });
    expect(logWarn).toHaveBeenCalledTimes(1);
    expect(String(logWarn.mock.calls[0][0])).toContain('r-1');
  });

  it('sends the Bearer challenge of a 401 as WWW-Authenticate, and only then', () => {
    filter.catch(new BearerChallengeException('The access token expired', true), hostFor({ url: '/reservas', method: 'GET', id: 'r-2' }, reply));

    expect(reply.statusCode).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Bearer realm="ev-charging", error="invalid_token", error_description="The access token expired"');
    expect(reply.body).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'The access token expired', instance: '/reservas', request_id: 'r-2' });
    const other = new FakeReply();
    filter.catch(new NotFoundException('Reservation x not found'), hostFor(request, other));
    expect(other.headers['www-authenticate']).toBeUndefined();
  });

  it('names an unusual status with a generic title', () => {
    filter.catch(new HttpException('odd', 599), hostFor({ url: '/postos/BR-FSA/FSA-001', method: 'GET', id: 7 }, reply));

    expect(reply.statusCode).toBe(599);
    expect(reply.body).toMatchObject({ title: 'Error', instance: '/postos/BR-FSA/FSA-001', request_id: '7' });
  });
});
