import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The closing note of `npm test` (scripts/e2e-note.js): skipped suites say which variable turns them on. */

const SCRIPT = join(__dirname, '../../scripts/e2e-note.js');

function note(env: Record<string, string | undefined>): string[] {
  const { TEST_DATABASE_URL: _pg, TEST_REDIS_URL: _redis, ...rest } = process.env;
  const run = spawnSync(process.execPath, [SCRIPT], { env: { ...rest, ...env }, encoding: 'utf8' });
  expect(run.status).toBe(0);
  expect(run.stderr).toBe('');
  return run.stdout.trim().split('\n');
}

it('names the variable of each service whose suites were skipped', () => {
  const lines = note({ CHROMIUM_PATH: '/nonexistent/chromium' });
  expect(lines).toEqual([
    expect.stringMatching(/^skipped without TEST_DATABASE_URL: PostgreSQL suites .*TEST_DATABASE_URL=postgres:\/\/\S+ npm run test:pg$/),
    expect.stringMatching(/^skipped without TEST_REDIS_URL: .*TEST_REDIS_URL=redis:\/\/\S+ npm test$/),
    'browser tests not run: /nonexistent/chromium is missing (apt-get install -y chromium, then npm run test:e2e)',
  ]);
});

it('says nothing of skipped suites when both services were given', () => {
  const lines = note({ TEST_DATABASE_URL: 'postgres://x/y', TEST_REDIS_URL: 'redis://x', CHROMIUM_PATH: process.execPath });
  expect(lines).toEqual([`browser tests not run by npm test: npm run test:e2e runs them in ${process.execPath}`]);
});
