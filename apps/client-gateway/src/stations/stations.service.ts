import { GatewayTimeoutException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MqttClientProxy, Topics, type SearchStationsReply } from '@app/shared';
import type { ClientGatewayEnvironment } from '../config/client-gateway.env.js';
import { STATIONS_CLIENT } from '../transport/transport.constants.js';
import { operatorsReport } from '../transport/operators-report.js';
import { toHttpException } from '../transport/transport-errors.js';
import type { SearchStationsQueryDto } from './dto/search-stations-query.dto.js';

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = Buffer.from(',');

@Injectable()
export class StationsService {
  private readonly timeoutMs: number;

  constructor(
    @Inject(STATIONS_CLIENT) private readonly client: MqttClientProxy,
    config: ConfigService<ClientGatewayEnvironment, true>,
  ) {
    this.timeoutMs = config.get('REQUEST_TIMEOUT_MS', { infer: true });
  }

  /**
   * One request on `server/postos/request`; merges the stations of every operator that answered.
   * Returns the response body as UTF-8 JSON: operators' arrays are joined as the bytes that
   * arrived, never decoded, parsed or serialized again.
   */
  async search(_query: SearchStationsQueryDto, requestId: string): Promise<Buffer> {
    const result = await this.client
      .scatter<SearchStationsReply>(Topics.stationsRequest, {}, { timeoutMs: this.timeoutMs, requestId })
      .catch((error: unknown) => {
        throw toHttpException(error);
      });
    const arrays = new Map<string, Buffer>();
    for (const reply of result.replies) {
      const raw = reply.error ? undefined : reply.raw;
      if (raw && raw[0] === OPEN_BRACKET && raw[raw.length - 1] === CLOSE_BRACKET) arrays.set(reply.operatorId, raw);
    }
    const operators = operatorsReport(result, new Set(arrays.keys()));
    if (operators.answered.length === 0) {
      const who = `timed out: ${operators.timed_out.join(', ') || '-'}; failed: ${operators.failed.join(', ') || '-'}`;
      throw operators.failed.length === 0 && operators.timed_out.length > 0
        ? new GatewayTimeoutException(`No operator answered within ${this.timeoutMs} ms (${who})`)
        : new ServiceUnavailableException(`No operator could answer (${who})`);
    }
    const parts: Buffer[] = [Buffer.from('{"data":[')];
    for (const operatorId of operators.answered) {
      const items = arrays.get(operatorId)!.subarray(1, -1);
      if (items.length === 0) continue;
      if (parts.length > 1) parts.push(COMMA);
      parts.push(items);
    }
    parts.push(Buffer.from(`],"operators":${JSON.stringify(operators)}}`));
    return Buffer.concat(parts);
  }
}
