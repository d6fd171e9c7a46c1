import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { VerifiedDriver } from '@app/shared';
import type { FastifyRequest } from 'fastify';

/** The driver DriverAuthGuard verified for this request. */
export const CurrentDriver = createParamDecorator((_: unknown, context: ExecutionContext): VerifiedDriver => {
  const driver = context.switchToHttp().getRequest<FastifyRequest>().driver;
  // A route that reads the driver without the guard is a programming error, never a client's.
  if (!driver) throw new Error('CurrentDriver needs DriverAuthGuard on the route');
  return driver;
});
