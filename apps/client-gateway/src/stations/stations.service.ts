import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  compareStationResults,
  decodeStationPage,
  MqttClientProxy,
  StationAction,
  Topics,
  type LocationDto,
  type ReceivedStationPageEntry,
  type SearchStationsRequestDto,
  type StationPage,
} from '@app/shared';
import type { ClientGatewayEnvironment } from '../config/client-gateway.env.js';
import { STATIONS_CLIENT } from '../transport/transport.constants.js';
import { noAnswerException, operatorsReport } from '../transport/operators-report.js';
import { requestOperator } from '../transport/operator-request.js';
import { toHttpException } from '../transport/transport-errors.js';
import { DEFAULT_PAGE_SIZE, type SearchStationsQueryDto } from './dto/search-stations-query.dto.js';

const COMMA = Buffer.from(',');

/** One page of merged search results, as the response body and the figures its headers need. */
export interface SearchPage {
  body: Buffer;
  total: number;
  offset: number;
  limit: number;
}

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
   * Asks every live operator (or the chosen ones) for its first offset + limit matches, merges
   * them nearest first (then by operator and id) and cuts the page. Stations travel as the bytes
   * that arrived, never parsed or serialized again.
   */
  async search(query: SearchStationsQueryDto, requestId: string): Promise<SearchPage> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const offset = query.offset ?? 0;
    const request: SearchStationsRequestDto = {
      latitude: query.latitude,
      longitude: query.longitude,
      distance: query.distance,
      connector: query.connector,
      power_type: query.power_type,
      min_power_kw: query.min_power_kw,
      available: query.available,
      limit: offset + limit,
    };
    const operators = query.operator && [...new Set(query.operator)];
    const result = await this.client
      .scatter(Topics.stationsRequest, withoutUndefined(request), {
        timeoutMs: this.timeoutMs,
        requestId,
        operators: operators && { ids: operators, topic: (operatorId) => Topics.stationCommand(operatorId, StationAction.Search) },
      })
      .catch((error: unknown) => {
        throw toHttpException(error);
      });
    const pages = new Map<string, StationPage>();
    for (const reply of result.replies) {
      const page = reply.error ? undefined : decodeStationPage(reply.raw);
      if (page) pages.set(reply.operatorId, page);
    }
    const report = operatorsReport(result, new Set(pages.keys()));
    if (report.answered.length === 0) throw noAnswerException(report, this.timeoutMs);
    let total = 0;
    for (const page of pages.values()) total += page.total;
    const parts: Buffer[] = [Buffer.from('{"data":[')];
    for (const [i, run] of runs(mergedPage(pages, offset, limit)).entries()) {
      if (i > 0) parts.push(COMMA);
      parts.push(run);
    }
    parts.push(Buffer.from(`],"total":${total},"operators":${JSON.stringify(report)}}`));
    return { body: Buffer.concat(parts), total, offset, limit };
  }

  /** One station, asked of its operator only. */
  get(id: string, operatorId: string, requestId: string): Promise<LocationDto> {
    return requestOperator(this.client, operatorId, Topics.stationCommand(operatorId, StationAction.Get), { id }, { timeoutMs: this.timeoutMs, requestId });
  }
}

type MergedEntry = ReceivedStationPageEntry & { operatorId: string; data: Buffer };

/** The page's results in order. One operator with results (the usual case) is taken as it came. */
function mergedPage(pages: Map<string, StationPage>, offset: number, limit: number): MergedEntry[] {
  const withResults = [...pages].filter(([, page]) => page.entries.length > 0);
  if (withResults.length === 1) {
    const [[operatorId, page]] = withResults;
    return page.entries.slice(offset, offset + limit).map((entry) => Object.assign(entry, { operatorId, data: page.data }));
  }
  const merged: MergedEntry[] = [];
  for (const [operatorId, page] of withResults) {
    for (const entry of page.entries) merged.push(Object.assign(entry, { operatorId, data: page.data }));
  }
  return merged.sort(compareStationResults).slice(offset, offset + limit);
}

/**
 * The page's stations as few byte ranges as possible: results that lay next to each other in one
 * operator's reply (with their comma) are copied as one range.
 */
function runs(entries: MergedEntry[]): Buffer[] {
  const result: Buffer[] = [];
  let first: MergedEntry | undefined;
  let end = 0;
  for (const entry of entries) {
    if (first && entry.data === first.data && entry.start === end + 1) {
      end = entry.start + entry.json.length;
      continue;
    }
    if (first) result.push(first.data.subarray(first.start, end));
    first = entry;
    end = entry.start + entry.json.length;
  }
  if (first) result.push(first.data.subarray(first.start, end));
  return result;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
