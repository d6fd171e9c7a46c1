import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DriverTokenVerifier, InvalidDriverTokenError, type VerifiedDriver } from '@app/shared';
import type { FastifyRequest } from 'fastify';
import { BearerChallengeException, bearerCredentials } from './bearer-challenge.exception.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by DriverAuthGuard: the driver the request's access token speaks for. */
    driver?: VerifiedDriver;
  }
}

/** Routes of a driver's own data: a valid bearer access token is required, and its `sub` is the driver. */
@Injectable()
export class DriverAuthGuard implements CanActivate {
  constructor(private readonly verifier: DriverTokenVerifier) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerCredentials(request.headers.authorization);
    if (token === undefined) throw new BearerChallengeException('This endpoint needs a bearer access token (Authorization: Bearer <JWT>)');
    try {
      request.driver = this.verifier.verify(token);
    } catch (err) {
      if (err instanceof InvalidDriverTokenError) throw new BearerChallengeException(err.message, true);
      throw err;
    }
    return true;
  }
}
