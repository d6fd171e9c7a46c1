import { IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';
import { MqttEnvironment } from '../mqtt/mqtt-env.js';
import type { FieldError } from '../validation/validation-errors.js';
import { DriverKeyError, loadDriverKeys } from './driver-keys.js';

/**
 * How driver tokens (JWTs) are verified. Gateways and station servers both verify them, so both
 * take the same settings: exactly one key source, and the issuer and audience every token must name.
 */
export class DriverAuthEnvironment extends MqttEnvironment {
  /** Shared HS256 secret, at least 32 bytes (local runs and tests). */
  @IsOptional()
  @IsString()
  AUTH_JWT_SECRET?: string;

  /** PEM file of the identity provider's public key: RSA (RS256) or P-256 (ES256). */
  @IsOptional()
  @IsString()
  AUTH_JWT_PUBLIC_KEY_FILE?: string;

  /** JWKS file (JSON `{ "keys": [...] }`) of the identity provider; a token's `kid` picks the key. */
  @IsOptional()
  @IsString()
  AUTH_JWKS_FILE?: string;

  /** The `iss` every driver token must carry. */
  @IsString({ message: 'AUTH_JWT_ISSUER is required: the iss claim driver tokens must carry' })
  @IsNotEmpty({ message: 'AUTH_JWT_ISSUER is required: the iss claim driver tokens must carry' })
  AUTH_JWT_ISSUER!: string;

  /** The `aud` every driver token must include. */
  @IsString({ message: 'AUTH_JWT_AUDIENCE is required: the aud claim driver tokens must include' })
  @IsNotEmpty({ message: 'AUTH_JWT_AUDIENCE is required: the aud claim driver tokens must include' })
  AUTH_JWT_AUDIENCE!: string;

  /** Clock difference allowed when checking exp and nbf, in seconds. */
  @IsInt()
  @Min(0)
  @Max(300)
  AUTH_CLOCK_TOLERANCE_SECONDS: number = 30;

  /** The key settings depend on each other and on the files they name: checked after the single fields. */
  crossFieldErrors(): FieldError[] {
    try {
      loadDriverKeys(this);
      return [];
    } catch (err) {
      if (err instanceof DriverKeyError) return [{ field: err.field, message: err.message }];
      throw err;
    }
  }
}
