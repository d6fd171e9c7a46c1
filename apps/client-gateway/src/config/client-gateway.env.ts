import { hostname } from 'node:os';
import type { ConfigService } from '@nestjs/config';
import { connectionOptionsFromConfig, DriverAuthEnvironment, validateEnvironment, type MqttClientProxyOptions } from '@app/shared';
import { IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

/** Environment of one gateway instance. Only this folder reads process.env. */
export class ClientGatewayEnvironment extends DriverAuthEnvironment {
  /** HTTP port. */
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 8001;

  /** Requests one client IP may make per RATE_LIMIT_WINDOW_MS (0: no limit). /health and /metrics are not limited. */
  @IsInt()
  @Min(0)
  RATE_LIMIT_MAX: number = 600;

  @IsInt()
  @Min(100)
  @Max(3_600_000)
  RATE_LIMIT_WINDOW_MS: number = 60_000;

  /** Largest request body accepted, in bytes (413 beyond). */
  @IsInt()
  @Min(256)
  @Max(10 * 1024 * 1024)
  BODY_LIMIT_BYTES: number = 16 * 1024;

  /** Origins allowed by CORS, comma-separated, or * for any; empty: no CORS headers. */
  @IsString()
  CORS_ORIGINS: string = '';

  /** Deadline of every request over MQTT, in milliseconds. */
  @IsInt()
  @Min(50)
  @Max(120_000)
  REQUEST_TIMEOUT_MS: number = 3000;

  /** Live-update streams (GET /postos/eventos) one gateway serves at once (503 beyond). */
  @IsInt()
  @Min(1)
  @Max(100_000)
  SSE_MAX_CLIENTS: number = 1000;

  /** A comment line on every idle stream this often, so proxies keep it open, in milliseconds. */
  @IsInt()
  @Min(100)
  @Max(300_000)
  SSE_HEARTBEAT_MS: number = 15_000;

  /** Latest station events kept for streams that resume with Last-Event-ID. */
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  EVENTS_BUFFER_SIZE: number = 1000;

  /** How long an operator holds a trip's stops PENDING before they lapse unless confirmed, in seconds. */
  @IsInt()
  @Min(1)
  @Max(600)
  TRIP_HOLD_SECONDS: number = 30;

  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`; unset: /metrics is open. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters long' })
  METRICS_TOKEN?: string;
}

/** ConfigModule's `validate`: the typed environment, or an error naming every bad variable. */
export function validateClientGatewayEnv(raw: Record<string, unknown>): ClientGatewayEnvironment {
  return validateEnvironment(ClientGatewayEnvironment, raw);
}

export function mqttClientOptions(config: ConfigService<ClientGatewayEnvironment, true>): MqttClientProxyOptions {
  return {
    ...connectionOptionsFromConfig(config, `gateway-${hostname()}`.slice(0, 40)),
    requestTimeoutMs: config.get('REQUEST_TIMEOUT_MS', { infer: true }),
  };
}
