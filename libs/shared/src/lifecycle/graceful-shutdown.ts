import type { INestApplicationContext, LoggerService } from '@nestjs/common';

/**
 * On SIGTERM or SIGINT, calls `onSignal`, closes the app (in-flight work finishes, presence is
 * cleared, connections end) and exits 0; exits 1 when that takes longer than `timeoutMs` or fails.
 */
export function exitGracefullyOnSignals(
  app: INestApplicationContext,
  timeoutMs: number,
  logger: LoggerService,
  onSignal: () => void = () => undefined,
): void {
  const shutdown = (signal: NodeJS.Signals) => {
    logger.log(`${signal} received: finishing in-flight work (at most ${timeoutMs} ms)`);
    onSignal();
    setTimeout(() => {
      logger.error(`Shutdown took longer than ${timeoutMs} ms; exiting`);
      process.exit(1);
    }, timeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error(`Shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
