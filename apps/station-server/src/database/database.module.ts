import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { StationServerEnvironment } from '../config/station-server.env.js';
import { openDatabase, type Database, type DatabaseHandle } from './database.js';

/** Injection token of the Drizzle database. */
export const DATABASE = Symbol('DATABASE');
const DATABASE_HANDLE = Symbol('DATABASE_HANDLE');

@Injectable()
class DatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(DATABASE_HANDLE) private readonly handle: DatabaseHandle) {}

  async onApplicationShutdown(): Promise<void> {
    await this.handle.close();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: DATABASE_HANDLE,
      inject: [ConfigService],
      useFactory: (config: ConfigService<StationServerEnvironment, true>) =>
        openDatabase({
          databaseUrl: config.get('DATABASE_URL', { infer: true }),
          dataDir: config.get('DATA_DIR', { infer: true }) ?? `.data/${config.get('OPERATOR_ID', { infer: true }).toLowerCase()}`,
        }),
    },
    { provide: DATABASE, inject: [DATABASE_HANDLE], useFactory: (handle: DatabaseHandle): Database => handle.db },
    DatabaseCloser,
  ],
  exports: [DATABASE],
})
export class DatabaseModule {}
