import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../../src/config';
import { initORM, type Orm } from '../../src/db/orm';

/** A fresh, empty database for one test server: a temp SQLite file, or a new PostgreSQL database when TEST_DATABASE_URL is set. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-test-'));
    return { url: `sqlite:${join(dir, 'test.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `tokengate_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(base, `create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(base, `drop database if exists ${name} with (force)`) };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The ORM on a database URL, migrated, as the server would open it. */
export const openOrm = (url: string): Promise<Orm> =>
  initORM(loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), DATABASE_URL: url }).database);

/** Registers hooks that open a migrated ORM on a fresh database before the suite and drop it after. */
export function useFreshOrm(): { readonly orm: Orm; readonly url: string } {
  let db: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  let orm: Orm | undefined;
  beforeAll(async () => {
    db = await freshDatabase();
    orm = await openOrm(db.url);
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });
  return {
    get orm() {
      return orm!;
    },
    get url() {
      return db!.url;
    },
  };
}
