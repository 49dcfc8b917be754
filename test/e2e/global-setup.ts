import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM } from './browser';

/** Fails early and clearly without Chromium; builds web/dist (development mode) when it is missing or stale. */
export default function globalSetup(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install it with \`apt-get install -y chromium\` (Playwright's own browser download is not used)`);
  }
  const root = join(__dirname, '../..');
  const build = spawnSync(process.execPath, [join(root, 'scripts/build-web-if-stale.js')], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'development', WEB_APP: 'true' } });
  if (build.status !== 0 || !existsSync(join(root, 'web/dist/index.html'))) throw new Error('the web app could not be built (npm run build:web)');
  // One folder of screenshots for the whole run (the suites run in this process: --runInBand).
  process.env.E2E_SCREENSHOTS ??= join(tmpdir(), `tokengate-e2e-${new Date().toISOString().replace(/[:.]/g, '-')}`);
}
