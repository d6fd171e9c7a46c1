import { hostname } from 'node:os';
import type { ConfigService } from '@nestjs/config';
import { DriverAuthEnvironment, connectionOptionsFromConfig, validateEnvironment, type MqttServerOptions } from '@app/shared';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** Environment of one station-server replica. Only this folder reads process.env. */
export class StationServerEnvironment extends DriverAuthEnvironment {
  /** Operator this replica serves: OCPI country_code + party_id, e.g. BR-FSA. */
  @Matches(/^[A-Z]{2}-[A-Z0-9]{3}$/, { message: 'OPERATOR_ID must look like BR-FSA (country code, "-", party id)' })
  OPERATOR_ID!: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  OPERATOR_NAME?: string;

  /** PostgreSQL connection string; when unset, PGlite stores the data in DATA_DIR. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  /** PGlite data folder (default .data/<operator id>), or memory:// for a throwaway database. */
  @IsOptional()
  @IsString()
  DATA_DIR?: string;

  /** JSON array of OCPI Locations, imported when the database holds no station. */
  @IsOptional()
  @IsString()
  STATIONS_FILE?: string;

  /** HTTP port of /health/live, /health/ready and /metrics; unset: no HTTP port. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  HEALTH_PORT?: number;

  /** Longest reservation window a driver may book, in minutes. */
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 60)
  RESERVATION_MAX_MINUTES: number = 240;

  /** Window length when a booking gives neither ends_at nor duration_minutes. */
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  RESERVATION_DEFAULT_MINUTES: number = 30;

  /** How often expired reservations are marked NO_SHOW and lapsed trip holds FAILED, in milliseconds. */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  RESERVATION_SWEEP_INTERVAL_MS: number = 5_000;

  /** Longest time a replica answers searches from memory before reading the database again. */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  STATIONS_CACHE_TTL_MS: number = 5000;

  /** MQTT messages larger than this are dropped unread. */
  @IsInt()
  @Min(1024)
  @Max(16 * 1024 * 1024)
  MQTT_MAX_PAYLOAD_BYTES: number = 256 * 1024;
}

/** ConfigModule's `validate`: the typed environment, or an error naming every bad variable. */
export function validateStationServerEnv(raw: Record<string, unknown>): StationServerEnvironment {
  return validateEnvironment(StationServerEnvironment, raw);
}

export function mqttServerOptions(config: ConfigService<StationServerEnvironment, true>): MqttServerOptions {
  const operatorId = config.get('OPERATOR_ID', { infer: true });
  const connection = connectionOptionsFromConfig(config, `station-${operatorId.toLowerCase()}-${hostname()}`.slice(0, 40));
  return {
    ...connection,
    operatorId,
    operatorName: config.get('OPERATOR_NAME', { infer: true }) ?? operatorId,
    instanceId: connection.clientId,
    maxPayloadBytes: config.get('MQTT_MAX_PAYLOAD_BYTES', { infer: true }),
  };
}
