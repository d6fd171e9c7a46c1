import { SkipThrottle } from '@nestjs/throttler';
import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { MetricsTokenGuard } from '../auth/metrics-token.guard.js';
import { ApiProblemResponsesAt } from '../common/api-problem-responses.decorator.js';
import { MetricsService } from './metrics.service.js';

@ApiTags('ops')
@SkipThrottle()
@Controller('metrics')
@UseGuards(MetricsTokenGuard)
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics', description: 'Open, or with METRICS_TOKEN set, only with Authorization: Bearer <METRICS_TOKEN>.' })
  @ApiProblemResponsesAt('/metrics', 401)
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
