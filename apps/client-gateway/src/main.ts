import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import helmet from '@fastify/helmet';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { exitGracefullyOnSignals, createLogger, type MqttClientProxy } from '@app/shared';
import { AppModule } from './app.module.js';
import type { ClientGatewayEnvironment } from './config/client-gateway.env.js';
import { setupSwagger } from './swagger.js';
import { STATIONS_CLIENT } from './transport/transport.constants.js';

/** A caller's X-Request-ID is kept when it is a plain token; otherwise a new one is made. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

async function bootstrap(): Promise<void> {
  const adapter = new FastifyAdapter({
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // A request Node cannot even parse (its method unknown, so no body: it may be HEAD); the connection closes.
    clientErrorHandler: (_error: Error, socket: Duplex) => {
      if (!socket.writable) return void socket.destroy();
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    },
  });
  const fastify = adapter.getInstance();
  let draining = false;
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // While shutting down, answers close their connection, so the server is not kept open by keep-alive.
    if (draining) reply.header('connection', 'close');
  });

  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, { abortOnError: false, bufferLogs: true });
  const config = app.get<ConfigService<ClientGatewayEnvironment, true>>(ConfigService);
  app.useLogger(createLogger(config.get('LOG_LEVEL', { infer: true }), config.get('LOG_FORMAT', { infer: true })));
  app.useBodyParser('application/json', { bodyLimit: config.get('BODY_LIMIT_BYTES', { infer: true }) });
  await app.register(helmet, {
    // Swagger UI at /docs runs inline scripts and styles.
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'] },
    },
  });
  const origins = config.get('CORS_ORIGINS', { infer: true }).trim();
  if (origins) app.enableCors({ origin: origins === '*' ? true : origins.split(',').map((o) => o.trim()), exposedHeaders: ['x-request-id', 'retry-after'] });
  setupSwagger(app, app.get<MqttClientProxy>(STATIONS_CLIENT).clientId);
  exitGracefullyOnSignals(app, config.get('SHUTDOWN_TIMEOUT_MS', { infer: true }), new Logger('Shutdown'), () => (draining = true));
  const port = config.get('PORT', { infer: true });
  await app.listen(port, '0.0.0.0');
  new Logger('Bootstrap').log(`Client gateway on http://localhost:${port} (docs at /docs)`);
}

bootstrap().catch((err: unknown) => {
  new Logger('Bootstrap').error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
