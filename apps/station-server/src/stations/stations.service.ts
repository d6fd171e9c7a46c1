import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { SearchStationsReply, SearchStationsRequestDto } from '@app/shared';
import type { StationServerEnvironment } from '../config/station-server.env.js';
import { loadStationDataset } from './station-dataset.js';
import { StationsRepository } from './stations.repository.js';

@Injectable()
export class StationsService implements OnModuleInit {
  private readonly logger = new Logger(StationsService.name);

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

  async search(_query: SearchStationsRequestDto): Promise<SearchStationsReply> {
    return { stations: await this.repository.findAll() };
  }
}
