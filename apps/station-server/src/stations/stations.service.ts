import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { RawJson, type SearchStationsRequestDto } from '@app/shared';
import type { StationServerEnvironment } from '../config/station-server.env.js';
import { loadStationDataset } from './station-dataset.js';
import { StationsRepository } from './stations.repository.js';

@Injectable()
export class StationsService implements OnModuleInit {
  private readonly logger = new Logger(StationsService.name);
  /**
   * Every published station, read and serialized once: a query costs neither a database round
   * trip nor a JSON encoding. Cleared on every write.
   */
  private stations?: Promise<RawJson>;

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
    this.invalidate();
    if (inserted > 0) this.logger.log(`Imported ${inserted} stations from ${file}`);
  }

  /** The reply data (a SearchStationsReply), kept as JSON. */
  search(_query: SearchStationsRequestDto): Promise<RawJson> {
    return this.allStations();
  }

  /** Forgets the cached stations; the next query reads them again. */
  invalidate(): void {
    this.stations = undefined;
  }

  private allStations(): Promise<RawJson> {
    if (!this.stations) {
      const loading = this.repository.findAll().then((stations) => new RawJson(JSON.stringify(stations)));
      this.stations = loading;
      // A failed read is not cached: the next query tries the database again.
      loading.catch(() => {
        if (this.stations === loading) this.stations = undefined;
      });
    }
    return this.stations;
  }
}
