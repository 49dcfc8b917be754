import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/process';

function run(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/index.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), NODE_ENV: 'development', DATA_DIR: mkdtempSync(join(tmpdir(), 'tg-busy-')), HOST: '127.0.0.1', LOG_LEVEL: 'silent', ARGON2_MEMORY_KIB: '4096', ARGON2_TIME_COST: '1', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
  });
}

describe('a port already taken', () => {
  let busy: Server;
  let port: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    port = (busy.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((r) => busy.close(r)));

  it('PORT: one line saying which port and how to pick another, exit 78', async () => {
    const { code, stderr } = await run({ PORT: String(port) });
    expect(code).toBe(78);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`PORT ${port}`);
    expect(stderr).toContain('PORT=');
  }, 40_000);

  it('METRICS_PORT: the same, naming METRICS_PORT', async () => {
    const { code, stderr } = await run({ PORT: '0', METRICS_PORT: String(port) });
    expect(code).toBe(78);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`METRICS_PORT ${port}`);
  }, 40_000);
});
