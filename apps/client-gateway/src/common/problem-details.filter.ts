import { STATUS_CODES } from 'node:http';
import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BearerChallengeException } from '../auth/bearer-challenge.exception.js';
import type { ProblemDetailsDto } from './problem-details.dto.js';

export const PROBLEM_JSON = 'application/problem+json';

/**
 * Every HTTP error leaves as RFC 9457 problem details. Only HttpExceptions say what went
 * wrong; anything else is logged here and answered with a bare 500.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = this.toProblem(exception, request);
    if (problem.status >= 500) {
      this.logger.warn(`${request.method} ${request.url} -> ${problem.status} ${problem.detail} [${request.id}]`);
    }
    // RFC 6750: a 401 says how to authenticate.
    if (exception instanceof BearerChallengeException) void reply.header('www-authenticate', exception.challenge);
    void reply.status(problem.status).header('content-type', PROBLEM_JSON).send(problem);
  }

  private toProblem(exception: unknown, request: FastifyRequest): ProblemDetailsDto {
    const base = { type: 'about:blank', instance: request.url.split('?')[0], request_id: String(request.id) };
    if (!(exception instanceof HttpException)) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
      return { ...base, title: STATUS_CODES[500]!, status: 500, detail: 'An unexpected error occurred' };
    }
    const status = exception.getStatus();
    const body = exception.getResponse();
    const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
    const problem: ProblemDetailsDto = {
      ...base,
      title: STATUS_CODES[status] ?? 'Error',
      status,
      detail: Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message,
    };
    // Extension members (`errors`, `conflict`) travel as they are; Nest's own fields do not.
    if (typeof body === 'object') {
      for (const [key, value] of Object.entries(body)) {
        if (!['message', 'statusCode', 'error', ...Object.keys(problem)].includes(key)) (problem as unknown as Record<string, unknown>)[key] = value;
      }
    }
    if (status === Number(HttpStatus.INTERNAL_SERVER_ERROR)) problem.detail = 'An unexpected error occurred';
    return problem;
  }
}
