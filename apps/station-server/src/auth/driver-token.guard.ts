import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { DriverTokenVerifier, ErrorCode, InvalidDriverTokenError, type MqttRequestContext, type VerifiedDriver, type WireError } from '@app/shared';

/** Drivers verified by the guard, per request context (read by @CurrentDriver). */
export const VERIFIED_DRIVERS = new WeakMap<MqttRequestContext, VerifiedDriver>();

function unauthorized(message: string): RpcException {
  const error: WireError = { code: ErrorCode.Unauthorized, message };
  return new RpcException(error);
}

/**
 * Reservation commands act for the driver of the access token they carry. The server verifies the
 * token itself, with the same settings as the gateways: a hand-made message, or a gateway that
 * skipped its check, cannot act for a driver without that driver's valid token.
 */
@Injectable()
export class DriverTokenGuard implements CanActivate {
  constructor(private readonly verifier: DriverTokenVerifier) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToRpc().getContext<MqttRequestContext>();
    const token = request.getAccessToken();
    if (!token) throw unauthorized('The request carries no access token');
    try {
      VERIFIED_DRIVERS.set(request, this.verifier.verify(token));
    } catch (err) {
      if (err instanceof InvalidDriverTokenError) throw unauthorized(err.message);
      throw err;
    }
    return true;
  }
}
