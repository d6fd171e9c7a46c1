import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { BaseRpcContext, RpcException } from '@nestjs/microservices';
import { ErrorCode, flattenValidationErrors, type FieldError } from '@app/shared';

function invalidPayload(details: FieldError[]): RpcException {
  return new RpcException({
    code: ErrorCode.InvalidPayload,
    message: details.map((d) => `${d.field}: ${d.message}`).join('; ') || 'Invalid payload',
    details,
  });
}

/**
 * The production validation pipe of the station server: a payload that breaks its DTO's rules,
 * or is not even an object, becomes an INVALID_PAYLOAD error reply.
 */
export class RpcValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => invalidPayload(flattenValidationErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // The stock pipe lets a primitive through where a DTO object is expected.
    if (!(value instanceof BaseRpcContext) && metadata.metatype && this.toValidate(metadata) && !isPlainObject(value)) {
      throw invalidPayload([{ field: 'data', message: 'data must be a JSON object' }]);
    }
    return super.transform(value, metadata);
  }
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
