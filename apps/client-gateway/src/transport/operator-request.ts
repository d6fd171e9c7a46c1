import { ServiceUnavailableException } from '@nestjs/common';
import type { MqttClientProxy, RequestOptions } from '@app/shared';
import { toHttpException } from './transport-errors.js';

/**
 * A request to one operator's addressed topic: 503 at once when none of its servers is online,
 * otherwise its reply, with a failed request turned into its HTTP error.
 */
export function requestOperator<T>(client: MqttClientProxy, operatorId: string, topic: string, data: unknown, options: Omit<RequestOptions, 'operatorId'>): Promise<T> {
  if (!client.presence.isLive(operatorId)) {
    return Promise.reject(new ServiceUnavailableException(`Operator ${operatorId} is not online`));
  }
  return client.request<T>(topic, data, { ...options, operatorId }).catch((error: unknown) => {
    throw toHttpException(error);
  });
}
