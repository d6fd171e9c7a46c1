import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import type { ClientGatewayEnvironment } from '../config/client-gateway.env.js';
import { BearerChallengeException, bearerCredentials } from './bearer-challenge.exception.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** With METRICS_TOKEN set, /metrics answers only to `Authorization: Bearer <METRICS_TOKEN>`. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(config: ConfigService<ClientGatewayEnvironment, true>) {
    const token = config.get('METRICS_TOKEN', { infer: true });
    this.expected = token === undefined ? undefined : digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) return true;
    const token = bearerCredentials(context.switchToHttp().getRequest<FastifyRequest>().headers.authorization);
    if (token === undefined) throw new BearerChallengeException('/metrics needs the metrics bearer token');
    // Digests of equal length, compared in constant time.
    if (!timingSafeEqual(digest(token), this.expected)) throw new BearerChallengeException('The metrics token is not valid', true);
    return true;
  }
}
