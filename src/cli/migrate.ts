import { loadConfig } from '../config';
import { initORM } from '../db/orm';

/** `npm run migrate`: applies pending migrations and exits, for operators who migrate as a separate step. */
async function main(): Promise<void> {
  const config = loadConfig();
  const orm = await initORM(config.database);
  const executed = await orm.getMigrator().getExecutedMigrations();
  process.stdout.write(`migrations applied: ${executed.map((m) => m.name).join(', ') || 'none'}\n`);
  await orm.close();
}

main().catch((err) => {
  process.stderr.write(`migrate failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
