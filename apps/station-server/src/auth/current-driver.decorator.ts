import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { MqttRequestContext } from '@app/shared';
import { VERIFIED_DRIVERS } from './driver-token.guard.js';

/** The id of the driver DriverTokenGuard verified for this request (the token's `sub`). */
export const CurrentDriver = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const driver = VERIFIED_DRIVERS.get(context.switchToRpc().getContext<MqttRequestContext>());
  // A handler that reads the driver without the guard is a programming error, never a client's.
  if (!driver) throw new Error('CurrentDriver needs DriverTokenGuard on the handler');
  return driver.id;
});
