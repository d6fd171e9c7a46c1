import {
  BadGatewayException,
  BadRequestException,
  ConflictException,
  GatewayTimeoutException,
  HttpException,
  NotFoundException,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import {
  BrokerUnavailableError,
  ErrorCode,
  NoResponderError,
  RemoteError,
  RequestTimeoutError,
  type WireError,
} from '@app/shared';
import { BearerChallengeException } from '../auth/bearer-challenge.exception.js';

/** The one place where a failed request over MQTT becomes an HTTP status. */
export function toHttpException(error: unknown): unknown {
  if (error instanceof BrokerUnavailableError) return new ServiceUnavailableException(error.message);
  if (error instanceof NoResponderError) return new ServiceUnavailableException(error.message);
  if (error instanceof RequestTimeoutError) return new GatewayTimeoutException(error.message);
  if (error instanceof RemoteError) return fromWireError(error.error);
  return error;
}

export function fromWireError(error: WireError): HttpException {
  switch (error.code as ErrorCode) {
    case ErrorCode.InvalidPayload:
      return new BadRequestException(error.message);
    case ErrorCode.Unauthorized:
      return new BearerChallengeException(error.message, true);
    case ErrorCode.NotFound:
      return new NotFoundException(error.message);
    case ErrorCode.Conflict:
      return new ConflictException(error.details === undefined ? error.message : { message: error.message, conflict: error.details });
    case ErrorCode.IdempotencyMismatch:
      return new UnprocessableEntityException(error.message);
    case ErrorCode.Unavailable:
      return new ServiceUnavailableException(error.message);
    default:
      return new BadGatewayException('The station server failed to answer');
  }
}
