import { loadConfig } from '../config';
import { initORM } from '../db/orm';
import { systemClock } from '../lib/clock';
import { createLogger } from '../lib/logger';
import { RetentionJob } from '../modules/ops/retention';

/** `npm run cleanup`: one pass of the retention job, for cron (CLEANUP_INTERVAL=0 turns the server's own off). */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`cleanup: configuration error: ${(err as Error).message}\n`);
    process.exit(78);
  }
  const orm = await initORM(config.database);
  try {
    const removed = await new RetentionJob(orm, config, systemClock, createLogger('silent')).runOnce();
    const lines = Object.entries(removed).map(([table, rows]) => `${table}: ${rows}`);
    process.stdout.write(lines.length ? `removed ${lines.join(', ')}\n` : 'nothing to remove\n');
  } finally {
    await orm.close();
  }
}

main().catch((err) => {
  process.stderr.write(`cleanup failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
