import { GatewayTimeoutException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MqttClientProxy, Topics, type SearchStationsReply } from '@app/shared';
import type { ClientGatewayEnvironment } from '../config/client-gateway.env.js';
import { STATIONS_CLIENT } from '../transport/transport.constants.js';
import { toHttpException } from '../transport/transport-errors.js';
import type { SearchStationsQueryDto } from './dto/search-stations-query.dto.js';
import type { StationsResponseDto } from './dto/stations-response.dto.js';

@Injectable()
export class StationsService {
  private readonly timeoutMs: number;

  constructor(
    @Inject(STATIONS_CLIENT) private readonly client: MqttClientProxy,
    config: ConfigService<ClientGatewayEnvironment, true>,
  ) {
    this.timeoutMs = config.get('REQUEST_TIMEOUT_MS', { infer: true });
  }

  /** One request on `server/postos/request`; merges the stations of every operator that answered. */
  async search(_query: SearchStationsQueryDto, requestId: string): Promise<StationsResponseDto> {
    const result = await this.client
      .scatter<SearchStationsReply>(Topics.stationsRequest, {}, { timeoutMs: this.timeoutMs, requestId })
      .catch((error: unknown) => {
        throw toHttpException(error);
      });
    const answered = result.replies.filter((reply) => !reply.error && Array.isArray(reply.data?.stations));
    const failed = result.replies.filter((reply) => !answered.includes(reply)).map((reply) => reply.operatorId);
    if (answered.length === 0) {
      const who = `timed out: ${result.timedOut.join(', ') || '-'}; failed: ${failed.join(', ') || '-'}`;
      throw failed.length === 0 && result.timedOut.length > 0
        ? new GatewayTimeoutException(`No operator answered within ${this.timeoutMs} ms (${who})`)
        : new ServiceUnavailableException(`No operator could answer (${who})`);
    }
    answered.sort((a, b) => a.operatorId.localeCompare(b.operatorId));
    return {
      data: answered.flatMap((reply) => reply.data!.stations),
      operators: {
        answered: answered.map((reply) => reply.operatorId),
        timed_out: result.timedOut.sort(),
        failed: failed.sort(),
        offline: result.offline.sort(),
      },
    };
  }
}
