import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { MqttRequestContext } from '@app/shared';
import type { Observable } from 'rxjs';
import { MetricsService } from './metrics.service.js';

/** Counts the MQTT requests and events this replica handles, by topic pattern. */
@Injectable()
export class RpcMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: MetricsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'rpc') {
      const rpc = context.switchToRpc().getContext<unknown>();
      const kind = rpc instanceof MqttRequestContext && rpc.getEnvelope() ? 'request' : 'event';
      this.metrics.handled.inc({ handler: context.getHandler().name, kind });
    }
    return next.handle();
  }
}
