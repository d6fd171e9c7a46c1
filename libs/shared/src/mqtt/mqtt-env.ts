import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, validateSync } from 'class-validator';
import { flattenValidationErrors, type FieldError } from '../validation/validation-errors.js';

/** Parses "true"/"false"/"1"/"0" from the raw environment (not the implicitly converted value, where "false" is true). */
export const toBoolean = ({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
  const value = obj[key];
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return value;
};

/** Nest's log levels, most severe first. */
const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** The levels logged when `level` is the most detailed one wanted. */
export function logLevelsUpTo(level: LogLevel): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}

/** The process logger: human-readable lines, or one JSON object per line for log collectors. */
export function createLogger(level: LogLevel, format: 'text' | 'json'): ConsoleLogger {
  return new ConsoleLogger({ logLevels: logLevelsUpTo(level), json: format === 'json' });
}

/** Settings common to gateways and station servers: logging and the MQTT connection. */
export class MqttEnvironment {
  /** Most detailed level logged: error, warn, log, debug or verbose. */
  @IsIn(LOG_LEVELS.slice(1), { message: 'LOG_LEVEL must be one of error, warn, log, debug, verbose' })
  LOG_LEVEL: LogLevel = 'log';

  /** text (human-readable) or json (one object per line). */
  @IsIn(['text', 'json'], { message: 'LOG_FORMAT must be text or json' })
  LOG_FORMAT: 'text' | 'json' = 'text';

  /** Broker host name or IP. */
  @IsString()
  @Matches(/^[A-Za-z0-9.:_-]+$/, { message: 'MQTT_BROKER must be a host name or IP address' })
  MQTT_BROKER: string = 'localhost';

  @IsInt()
  @Min(1)
  @Max(65535)
  MQTT_PORT: number = 1883;

  /** Base of the MQTT client id; a random suffix makes it unique per instance. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,40}$/, { message: 'MQTT_CLIENT_ID may hold only letters, digits, "_", "." and "-" (at most 40)' })
  MQTT_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  MQTT_USERNAME?: string;

  @IsOptional()
  @IsString()
  MQTT_PASSWORD?: string;

  /** 5 (MQTT 5) or 4 (MQTT 3.1.1, e.g. the embedded broker). */
  @IsIn([4, 5], { message: 'MQTT_PROTOCOL_VERSION must be 4 (MQTT 3.1.1) or 5 (MQTT 5)' })
  MQTT_PROTOCOL_VERSION: 4 | 5 = 5;

  /** Prefix of every topic, to run several isolated systems on one broker. Empty by default. */
  @IsString()
  @MaxLength(64)
  @Matches(/^$|^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*\/$/, {
    message: 'MQTT_TOPIC_PREFIX must be empty or end with "/" and hold no wildcards',
  })
  MQTT_TOPIC_PREFIX: string = '';

  @IsInt()
  @Min(100)
  @Max(60_000)
  MQTT_RECONNECT_PERIOD_MS: number = 1000;

  @IsInt()
  @Min(100)
  @Max(60_000)
  MQTT_CONNECT_TIMEOUT_MS: number = 5000;

  /** Longest a graceful shutdown (SIGTERM) may take before the process exits anyway, in milliseconds. */
  @IsInt()
  @Min(100)
  @Max(300_000)
  SHUTDOWN_TIMEOUT_MS: number = 10_000;

  /** Whether the broker supports `$share` (Mosquitto 2, EMQX, HiveMQ do; the embedded broker does not). */
  @Transform(toBoolean)
  @IsBoolean()
  MQTT_SHARED_SUBSCRIPTIONS: boolean = true;
}

/**
 * ConfigModule's `validate` for an app's environment class: the typed environment, or an error
 * naming every bad variable. An empty value (`FOO=` in a compose file) counts as unset, except
 * for MQTT_TOPIC_PREFIX, whose empty value is the default.
 */
export function validateEnvironment<T extends MqttEnvironment>(type: new () => T, raw: Record<string, unknown>): T {
  const present = Object.fromEntries(Object.entries(raw).filter(([key, value]) => value !== '' || key === 'MQTT_TOPIC_PREFIX'));
  const env = plainToInstance(type, present, { enableImplicitConversion: true });
  const errors = flattenValidationErrors(validateSync(env));
  // Rules across fields run only on fields that passed their own rules.
  if (errors.length === 0 && hasCrossFieldRules(env)) errors.push(...env.crossFieldErrors());
  if (errors.length > 0) {
    throw new Error(`Invalid configuration:\n${errors.map((e) => `  ${e.field}: ${e.message}`).join('\n')}`);
  }
  return env;
}

/** An environment whose settings also depend on each other, or on files they name. */
interface CrossFieldRules {
  crossFieldErrors(): FieldError[];
}

function hasCrossFieldRules(env: object): env is CrossFieldRules {
  return typeof (env as Partial<CrossFieldRules>).crossFieldErrors === 'function';
}
