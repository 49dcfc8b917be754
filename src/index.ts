import { loadConfig } from './config';
import { createApp } from './app';

/** Entry: config → app (ORM + migrations) → listen → graceful stop on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`tokengate: configuration error: ${(err as Error).message}\n`);
    process.exit(78); // EX_CONFIG
  }
  const app = await createApp(config);
  const url = await app.listen();
  app.logger.info('tokengate ready', { url, env: config.env, database: config.database.kind });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info('stopping', { signal });
    app.stop().then(
      () => process.exit(0),
      (err) => {
        app.logger.error('stop failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`tokengate: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
