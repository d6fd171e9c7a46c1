import { SkipThrottle } from '@nestjs/throttler';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { MqttClientProxy } from '@app/shared';
import { STATIONS_CLIENT } from '../transport/transport.constants.js';

@ApiTags('ops')
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(STATIONS_CLIENT) private readonly client: MqttClientProxy,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Ready: this gateway's own MQTT connection is up (no probe connection) and an operator is online. */
  @Get('ready')
  @ApiOperation({ summary: "Readiness: the gateway's MQTT client is connected and at least one operator is online" })
  @HealthCheck()
  ready() {
    return this.health.check([
      () => {
        const broker = this.indicators.check('broker');
        return this.client.isConnected ? broker.up() : broker.down({ message: 'not connected to the MQTT broker' });
      },
      () => {
        const operators = this.indicators.check('operators');
        const live = this.client.presence.liveOperators().sort();
        return live.length > 0 ? operators.up({ live }) : operators.down({ message: 'no operator is online' });
      },
    ]);
  }
}
