import { Global, Inject, Injectable, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ClientsModule } from '@nestjs/microservices';
import { MqttClientProxy } from '@app/shared';
import { mqttClientOptions, type ClientGatewayEnvironment } from '../config/client-gateway.env.js';
import { STATIONS_CLIENT } from './transport.constants.js';

/** Connects the client when the gateway starts (without blocking it: requests fail fast with 503 meanwhile). */
@Injectable()
class TransportLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Transport');

  constructor(
    @Inject(STATIONS_CLIENT) private readonly client: MqttClientProxy,
    private readonly config: ConfigService<ClientGatewayEnvironment, true>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const connected = await this.client.waitForConnection(this.config.get('MQTT_CONNECT_TIMEOUT_MS', { infer: true }));
    if (!connected) this.logger.warn('Broker not reachable yet; answering 503 until it is');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

@Global()
@Module({
  imports: [
    ClientsModule.registerAsync([
      {
        name: STATIONS_CLIENT,
        inject: [ConfigService],
        useFactory: (config: ConfigService<ClientGatewayEnvironment, true>) => ({
          customClass: MqttClientProxy,
          options: mqttClientOptions(config),
        }),
      },
    ]),
  ],
  providers: [TransportLifecycle],
  exports: [ClientsModule],
})
export class TransportModule {}
