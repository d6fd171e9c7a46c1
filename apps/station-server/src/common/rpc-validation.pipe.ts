import { ValidationPipe } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ErrorCode, flattenValidationErrors } from '@app/shared';

/** The production validation pipe: an invalid payload becomes an INVALID_PAYLOAD error reply. */
export function createRpcValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const details = flattenValidationErrors(errors);
      return new RpcException({
        code: ErrorCode.InvalidPayload,
        message: details.map((d) => `${d.field}: ${d.message}`).join('; ') || 'Invalid payload',
        details,
      });
    },
  });
}
