import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { migrationsList } from '../../src/db/entities';
import { freshDatabase, openOrm } from '../helpers/database';
import { TEST_SECRET } from '../helpers/server';

const ROOT = join(__dirname, '..', '..');
const ALL = migrationsList.map((m) => m.name);

function migrate(databaseUrl: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/cli/migrate.ts'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, DATABASE_URL: databaseUrl },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

describe('npm run migrate', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeEach(async () => {
    db = await freshDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  it('lists every migration on an empty database, then says it is up to date', async () => {
    const first = await migrate(db.url);
    expect(first).toMatchObject({ status: 0, stderr: '', stdout: `migrations applied: ${ALL.join(', ')}\n` });
    const again = await migrate(db.url);
    expect(again).toMatchObject({ status: 0, stderr: '', stdout: 'database is up to date: no pending migrations\n' });
  });

  it('lists only the migrations that were pending', async () => {
    const orm = await openOrm(db.url);
    await orm.getMigrator().down();
    await orm.close();
    const res = await migrate(db.url);
    expect(res).toMatchObject({ status: 0, stdout: `migrations applied: ${ALL[ALL.length - 1]}\n` });
  });
});
