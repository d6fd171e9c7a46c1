import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DATABASE } from '../database/database.module.js';
import { isDatabaseReachable, type Database } from '../database/database.js';
import { TransportStatus } from './transport-status.js';

/** Served on HEALTH_PORT. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly transport: TransportStatus,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Ready: connected to the broker and the database answers. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => {
        const broker = this.indicators.check('broker');
        return this.transport.connected ? broker.up() : broker.down({ message: 'not connected to the MQTT broker' });
      },
      async () => {
        const database = this.indicators.check('database');
        return (await isDatabaseReachable(this.db)) ? database.up() : database.down({ message: 'the database does not answer' });
      },
    ]);
  }
}
