import './modules/ops/tracing.boot'; // first: instrumentation patches graphql as it loads
import { loadConfig, type Config } from './config';
import { createApp } from './app';
import { mfaPolicyNotice } from './modules/mfa/mfa.config';

const DUPLICATE_SIGNAL_MS = 300;

/** Entry: config → app (ORM + migrations) → listen → graceful stop on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`tokengate: configuration error: ${(err as Error).message}\n`);
    process.exit(78); // EX_CONFIG
  }
  const app = await createApp(config);
  let stoppingSince = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // Ctrl-C under `npm start` arrives twice at once (from the terminal and forwarded by npm): that is one request.
    if (stoppingSince && Date.now() - stoppingSince < DUPLICATE_SIGNAL_MS) return;
    // A second signal means "now": die of it, which (unlike process.exit) does not wait for password hashes running on libuv's pool.
    if (stoppingSince) {
      app.logger.warn('second signal during shutdown: exiting at once', { signal });
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    stoppingSince = Date.now();
    app.logger.info('stopping', { signal, delaySeconds: config.shutdownDelay, timeoutSeconds: config.shutdownTimeout });
    app.stop().then(
      () => {
        app.logger.info('stopped');
        process.exit(0);
      },
      (err) => {
        app.logger.error('stop failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  let url: string;
  try {
    url = await app.listen();
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
    if (e.code !== 'EADDRINUSE' && e.code !== 'EACCES') throw err;
    // A taken port is a configuration problem like any other: one line, EX_CONFIG, and what to change.
    const which = e.port === config.metrics.listener?.port && e.port !== config.port ? 'METRICS_PORT' : 'PORT';
    const why = e.code === 'EADDRINUSE' ? 'is already in use (another tokengate running?)' : 'may not be bound by this user';
    process.stderr.write(`tokengate: configuration error: ${which} ${e.port ?? ''} on ${e.address ?? config.host} ${why}; stop the other process or pick another port with ${which}=…\n`);
    process.exit(78);
  }
  app.logger.info('tokengate ready', { url, env: config.env, database: config.database.kind, mfaRequiredFor: config.mfa.requiredFor.join(',') || 'none' });
  const mfaNotice = mfaPolicyNotice(config.env, config.mfa);
  if (mfaNotice) app.logger.warn(mfaNotice);
}

main().catch((err) => {
  process.stderr.write(`tokengate: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
