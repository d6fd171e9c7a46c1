import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { TransportStatus } from './transport-status.js';

@Global()
@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [TransportStatus],
  exports: [TransportStatus],
})
export class HealthModule {}
