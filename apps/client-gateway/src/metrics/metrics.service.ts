import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { MqttClientProxy } from '@app/shared';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { STATIONS_CLIENT } from '../transport/transport.constants.js';

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Prometheus metrics of one gateway: HTTP, MQTT round trips, operators, and the process. */
@Injectable()
export class MetricsService implements OnModuleInit {
  readonly registry = new Registry();
  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly inFlight = new Gauge({ name: 'http_requests_in_flight', help: 'HTTP requests being handled', registers: [this.registry] });
  private readonly roundTrip = new Histogram({
    name: 'mqtt_request_duration_seconds',
    help: 'MQTT request round trips by operator and outcome (ok, error, timeout)',
    labelNames: ['operator', 'outcome'],
    buckets: SECONDS,
    registers: [this.registry],
  });

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(STATIONS_CLIENT) private readonly client: MqttClientProxy,
  ) {
    const presence = client.presence;
    new Gauge({
      name: 'mqtt_live_operators',
      help: 'Operators with at least one station server online',
      registers: [this.registry],
      collect() {
        this.set(presence.liveOperators().length);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  onModuleInit(): void {
    this.client.observe(({ operatorId, outcome, seconds }) => this.roundTrip.observe({ operator: operatorId, outcome }, seconds));
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRequest', (_request, _reply, done) => {
      this.inFlight.inc();
      done();
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      this.inFlight.dec();
      // The route pattern, not the URL: ids must not become label values.
      const route = request.routeOptions.url ?? 'unmatched';
      this.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      done();
    });
  }
}
