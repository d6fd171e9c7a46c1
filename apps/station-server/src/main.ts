import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { exitGracefullyOnSignals, createLogger, MqttServer } from '@app/shared';
import { AppModule } from './app.module.js';
import { mqttServerOptions, type StationServerEnvironment } from './config/station-server.env.js';
import { TransportStatus } from './health/transport-status.js';
import { StationEventsPublisher } from './stations/station-events.publisher.js';

/** One process is one replica of one operator's station server. */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { abortOnError: false, bufferLogs: true });
  const config = app.get<ConfigService<StationServerEnvironment, true>>(ConfigService);
  app.useLogger(createLogger(config.get('LOG_LEVEL', { infer: true }), config.get('LOG_FORMAT', { infer: true })));
  const options = mqttServerOptions(config);
  // The microservice takes the app's global pipe and filter (APP_PIPE, APP_FILTER).
  const server = new MqttServer(options);
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  app.get(TransportStatus).attach(server);
  app.get(StationEventsPublisher).attach(server);
  exitGracefullyOnSignals(app, config.get('SHUTDOWN_TIMEOUT_MS', { infer: true }), new Logger('Shutdown'));
  // Migrations and the dataset import run in init, before any request is taken.
  await app.init();
  await app.startAllMicroservices();
  const healthPort = config.get('HEALTH_PORT', { infer: true });
  if (healthPort) {
    await app.listen(healthPort, '0.0.0.0');
    new Logger('Bootstrap').log(`Health and metrics on http://localhost:${healthPort}/health/ready and /metrics`);
  }
  new Logger('Bootstrap').log(`Station server of ${options.operatorId} online as ${options.instanceId}`);
}

bootstrap().catch((err: unknown) => {
  new Logger('Bootstrap').error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
