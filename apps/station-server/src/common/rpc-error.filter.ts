import { STATUS_CODES } from 'node:http';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RpcException } from '@nestjs/microservices';
import { ErrorCode, type WireError } from '@app/shared';
import { throwError, type Observable } from 'rxjs';

/**
 * Turns whatever a handler threw into the wire error of the reply (HTTP errors of the health port
 * are answered as they are). Expected failures
 * (RpcException carrying a WireError) pass as they are; anything else is logged here
 * and leaves as a bare INTERNAL error, never with its message or stack.
 */
@Catch()
export class RpcErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(RpcErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'http') return this.answerHttp(exception, host);
    return throwError(() => this.toWireError(exception));
  }

  /** The health and metrics port: errors as RFC 9457 problem details, never with internals. */
  private answerHttp(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    if (!(exception instanceof HttpException)) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    const body = exception instanceof HttpException ? exception.getResponse() : undefined;
    const problem = {
      type: 'about:blank',
      title: STATUS_CODES[status] ?? 'Error',
      status,
      detail: status === 500 ? 'An unexpected error occurred' : exception instanceof HttpException ? exception.message : '',
      instance: request.url.split('?')[0],
      request_id: String(request.id),
      // Health checks say which indicator is down.
      ...(typeof body === 'object' && body !== null && 'details' in body ? { details: (body).details } : {}),
    };
    void reply.status(status).header('content-type', 'application/problem+json').send(problem);
  }

  private toWireError(exception: unknown): WireError {
    if (exception instanceof RpcException) {
      const error = exception.getError();
      if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) return error as WireError;
      return { code: ErrorCode.Internal, message: typeof error === 'string' ? error : 'Internal server error' };
    }
    if (isConnectionError(exception)) {
      this.logger.error(`Database unavailable: ${(exception as Error).message}`);
      return { code: ErrorCode.Unavailable, message: 'The operator database is unavailable' };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { code: ErrorCode.Internal, message: 'Internal server error' };
  }
}

/** Connection-level failures of the database (Drizzle keeps the driver's error in `cause`). */
function isConnectionError(exception: unknown): boolean {
  const codes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006']);
  const error = exception as { code?: string; cause?: { code?: string } } | null;
  return codes.has(error?.code ?? '') || codes.has(error?.cause?.code ?? '');
}
