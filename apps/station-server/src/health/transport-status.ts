import { Injectable } from '@nestjs/common';
import type { MqttServer } from '@app/shared';

/** Gives the health check this replica's MQTT server (the strategy is made outside the container). */
@Injectable()
export class TransportStatus {
  private server?: MqttServer;

  attach(server: MqttServer): void {
    this.server = server;
  }

  get connected(): boolean {
    try {
      return this.server?.unwrap<{ connected: boolean }>().connected ?? false;
    } catch {
      return false;
    }
  }
}
