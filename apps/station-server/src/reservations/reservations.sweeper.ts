import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { StationServerEnvironment } from '../config/station-server.env.js';
import { ReservationsService } from './reservations.service.js';

/** Runs the expiry sweep on a timer; replicas may all run it (each row is processed once). */
@Injectable()
export class ReservationsSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReservationsSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly reservations: ReservationsService,
    private readonly config: ConfigService<StationServerEnvironment, true>,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.get('RESERVATION_SWEEP_INTERVAL_MS', { infer: true });
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.reservations
        .sweep()
        .catch((err: unknown) => this.logger.warn(`Expiry sweep failed: ${(err as Error).message}`))
        .finally(() => (this.running = undefined));
    }, interval);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
