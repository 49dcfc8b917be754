import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { NativeSql, statement, type SqliteDatabase } from '../../src/db/native-sql';
import { User } from '../../src/modules/user/user.entity';
import { useFreshOrm } from '../helpers/database';

const describeSqlite = process.env.TEST_DATABASE_URL ? describe.skip : describe;
// A second, read-only connection on the same file (better-sqlite3 ships no types; the package adds none).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const BetterSqlite = require('better-sqlite3') as new (file: string, options: { readonly: boolean }) => SqliteDatabase & { close(): void };

describeSqlite('NativeSql on SQLite', () => {
  const fresh = useFreshOrm();
  const sql = () => new NativeSql('sqlite', () => fresh.orm.em);
  const INSERT = statement('t_insert_user', `insert into users (id, username, username_key, password_hash, role, is_active, created_at, updated_at) values (?, ?, ?, 'h', 'USER', 1, 0, 0)`);
  const COUNT = statement('t_count_user', 'select count(*) as n from users where id = ?');
  const insert = (id: string) => (prepare: (s: typeof INSERT) => { run(...p: unknown[]): unknown }) => prepare(INSERT).run(id, id, id);
  const exists = async (id: string) => (await fresh.orm.em.fork().count(User, { id })) === 1;

  it('commits the write transactions of one turn together, each undone alone when it throws', async () => {
    const db = sql();
    const file = fresh.url.replace(/^sqlite:/, '');
    const outsider = new BetterSqlite(file, { readonly: true });
    try {
      const seenBySecond: number[] = [];
      const results = await Promise.allSettled([
        db.sqliteTransaction((prepare) => (insert('tx-first')(prepare), 'first')),
        db.sqliteTransaction((prepare) => {
          // Same transaction: the first write is visible here, and not yet to another connection.
          seenBySecond.push((prepare(COUNT).get('tx-first') as { n: number }).n);
          seenBySecond.push((outsider.prepare('select count(*) as n from users where id = ?').get('tx-first') as { n: number }).n);
          insert('tx-second')(prepare);
          throw new RangeError('undo mine');
        }),
        db.sqliteTransaction((prepare) => insert('tx-first')(prepare)), // a driver error, converted
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
      expect((results[0] as PromiseFulfilledResult<string>).value).toBe('first');
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(RangeError);
      expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(UniqueConstraintViolationException);
      expect(seenBySecond).toEqual([1, 0]);
      expect([await exists('tx-first'), await exists('tx-second')]).toEqual([true, false]);
    } finally {
      outsider.close();
    }
  });

  it('reads on the idle connection without the pool, and waits for a transaction that holds it', async () => {
    const db = sql();
    await db.get(COUNT, ['warm-up']); // the first use borrows through the pool and remembers the connection
    const em = fresh.orm.em.fork();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inside!: () => void;
    const started = new Promise<void>((r) => (inside = r));
    const tx = em.transactional(async (t) => {
      await t.getConnection().execute(`insert into users (id, username, username_key, password_hash, role, is_active, created_at, updated_at) values ('tx-held', 'tx-held', 'tx-held', 'h', 'USER', 1, 0, 0)`, [], 'run', t.getTransactionContext());
      inside();
      await held;
    });
    await started;
    let read: number | undefined;
    const during = db.get<{ n: number }>(COUNT, ['tx-held']).then((row) => (read = row!.n));
    await new Promise((r) => setTimeout(r, 30));
    expect(read).toBeUndefined(); // still waiting for the connection
    release();
    await tx;
    await during;
    expect(read).toBe(1); // read after the commit, never inside the transaction
  });
});
