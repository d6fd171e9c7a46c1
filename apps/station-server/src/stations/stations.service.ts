import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { LocationDto, SearchStationsReply, SearchStationsRequestDto } from '@app/shared';
import type { StationServerEnvironment } from '../config/station-server.env.js';
import { loadStationDataset } from './station-dataset.js';
import { StationsRepository } from './stations.repository.js';

@Injectable()
export class StationsService implements OnModuleInit {
  private readonly logger = new Logger(StationsService.name);
  /** Every published station, read once: a query must not cost a database round trip. Cleared on every write. */
  private stations?: Promise<LocationDto[]>;

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

  async search(_query: SearchStationsRequestDto): Promise<SearchStationsReply> {
    return { stations: await this.allStations() };
  }

  /** Forgets the cached stations; the next query reads them again. */
  invalidate(): void {
    this.stations = undefined;
  }

  private allStations(): Promise<LocationDto[]> {
    if (!this.stations) {
      const loading = this.repository.findAll();
      this.stations = loading;
      // A failed read is not cached: the next query tries the database again.
      loading.catch(() => {
        if (this.stations === loading) this.stations = undefined;
      });
    }
    return this.stations;
  }
}
