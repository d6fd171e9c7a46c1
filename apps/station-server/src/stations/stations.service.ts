import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EvseStatus, RawJson, type SearchStationsRequestDto } from '@app/shared';
import type { StationServerEnvironment } from '../config/station-server.env.js';
import { loadStationDataset } from './station-dataset.js';
import { StationsRepository } from './stations.repository.js';

@Injectable()
export class StationsService implements OnModuleInit {
  private readonly logger = new Logger(StationsService.name);
  /**
   * Every published station, read and serialized once: a query costs neither a database round
   * trip nor a JSON encoding. Cleared on every write, and read again when a reservation window
   * opens or closes, or after STATIONS_CACHE_TTL_MS (writes of other replicas).
   */
  private cache?: Promise<{ json: RawJson; validUntil: number }>;

  constructor(
    private readonly repository: StationsRepository,
    private readonly config: ConfigService<StationServerEnvironment, true>,
  ) {}

  /** Imports STATIONS_FILE into an empty database before the server takes requests. */
  async onModuleInit(): Promise<void> {
    const file = this.config.get('STATIONS_FILE', { infer: true });
    if (!file || (await this.repository.count()) > 0) return;
    const stations = await loadStationDataset(file, this.config.get('OPERATOR_ID', { infer: true }));
    const inserted = await this.repository.importIfEmpty(stations);
    if (inserted > 0) this.logger.log(`Imported ${inserted} stations from ${file}`);
  }

  /** The reply data (a SearchStationsReply), kept as JSON. */
  search(_query: SearchStationsRequestDto): Promise<RawJson> {
    return this.allStations();
  }

  /** Forgets the cached stations; the next query reads them again. */
  invalidate(): void {
    this.cache = undefined;
  }

  private async allStations(): Promise<RawJson> {
    const cached = this.cache;
    if (cached) {
      const entry = await cached.catch(() => undefined);
      if (entry && Date.now() < entry.validUntil) return entry.json;
      if (this.cache === cached) this.cache = undefined;
    }
    if (!this.cache) {
      const loading = this.load();
      this.cache = loading;
      // A failed read is not cached: the next query tries the database again.
      loading.catch(() => {
        if (this.cache === loading) this.cache = undefined;
      });
    }
    return (await this.cache).json;
  }

  /** Stations as JSON, each EVSE held by a reservation now shown as RESERVED, and until when that holds. */
  private async load(): Promise<{ json: RawJson; validUntil: number }> {
    const now = new Date();
    const [stations, { reserved, nextChange }] = await Promise.all([this.repository.findAll(), this.repository.reservationState(now)]);
    for (const evse of stations.flatMap((station) => station.evses)) {
      if (reserved.has(evse.uid) && evse.status === EvseStatus.Available) evse.status = EvseStatus.Reserved;
    }
    const ttl = this.config.get('STATIONS_CACHE_TTL_MS', { infer: true });
    return { json: new RawJson(JSON.stringify(stations)), validUntil: Math.min(now.getTime() + ttl, nextChange?.getTime() ?? Infinity) };
  }
}
