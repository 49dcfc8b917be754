import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { initORM } from '../../src/db/orm';
import { User } from '../../src/modules/user/user.entity';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('files tokengate creates are private whatever the umask', () => {
  let root: string;
  let umask: number;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tokengate-modes-'));
    umask = process.umask(0o000); // the worst case: everything the process creates would be world-writable
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  it('the data folder is 0700 and the generated jwt-secret 0600', () => {
    const dataDir = join(root, 'data');
    loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'development' });
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'jwt-secret'))).toBe(0o600);
  });

  it('the SQLite database, its WAL and shared-memory files are 0600, in a 0700 folder', async () => {
    const dataDir = join(root, 'db');
    const config = loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'test', JWT_SECRET: 'test-secret-that-is-at-least-32-bytes-long!!' });
    if (config.database.kind !== 'sqlite') throw new Error('expected SQLite');
    const orm = await initORM(config.database);
    try {
      const em = orm.em.fork();
      await em.count(User, {});
      const file = config.database.file;
      expect(mode(dataDir)).toBe(0o700);
      for (const path of [file, `${file}-wal`, `${file}-shm`]) {
        expect(existsSync(path)).toBe(true);
        expect([path, mode(path)]).toEqual([path, 0o600]);
      }
    } finally {
      await orm.close();
    }
  });
});
