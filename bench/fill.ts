// Bulk rows for the growth rows: accounts, sessions (each with one refresh token, expired a month ago, so the
// retention row has a million to purge) and audit events written straight
// into the SQLite file with recursive-CTE inserts, not through the API. Ids are UUIDv7-shaped and cannot collide with
// the server's own (timestamp 0).
import Database from 'better-sqlite3';
import { Child } from './proc';

export interface FillCounts {
  accounts: number;
  sessions: number;
  auditEvents: number;
}

const CHUNK = 250_000;
/** A real argon2id hash shape; nobody logs in as these accounts. */
const HASH = '$argon2id$v=19$m=19456,t=2,p=1$ZmlsbGZpbGxmaWxsZmlsbA$Jm8K3y4nKk2+0h1m3GfVbqY8m1a3W9xj0c8tHq0m9Hs';
const id = (kind: number, x: string) => `printf('00000000-%04x-7000-8000-%012x', ${kind}, ${x})`;

/** Inserts `counts` rows in chunks (one transaction each); answers the seconds it took. */
function fill(file: string, counts: FillCounts, log: (msg: string) => void): number {
  const started = Date.now();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  const now = Date.now();
  const chunks = (total: number, sql: (from: number, to: number) => string) => {
    for (let from = 1; from <= total; from += CHUNK) db.exec(`begin; ${sql(from, Math.min(total, from + CHUNK - 1))}; commit;`);
  };
  const series = (from: number, to: number) => `with recursive s(x) as (select ${from} union all select x + 1 from s where x < ${to})`;
  log(`fill: ${counts.accounts} accounts`);
  chunks(counts.accounts, (a, b) =>
    `${series(a, b)} insert into users (id, username, username_key, password_hash, role, is_active, created_at, updated_at)
     select ${id(1, 'x')}, 'fill_' || x, 'fill_' || x, '${HASH}', 'USER', 1, ${now}, ${now} from s`);
  log(`fill: ${counts.sessions} sessions and refresh tokens`);
  chunks(counts.sessions, (a, b) =>
    `${series(a, b)} insert into sessions (id, user_id, created_at, last_used_at, expires_at, auth_time, user_agent, ip)
     select ${id(2, 'x')}, ${id(1, `1 + (x - 1) % ${counts.accounts}`)}, ${now - 60 * 86400_000}, ${now - 60 * 86400_000}, ${now - 30 * 86400_000}, ${now - 60 * 86400_000}, 'fill', '127.0.0.1' from s;
     ${series(a, b)} insert into refresh_tokens (id, session_id, token_hash, created_at)
     select ${id(3, 'x')}, ${id(2, 'x')}, printf('%064x', x), ${now} from s`);
  log(`fill: ${counts.auditEvents} audit events`);
  chunks(counts.auditEvents, (a, b) =>
    `${series(a, b)} insert into audit_events (id, type, at, user_id, session_id, ip, user_agent)
     select ${id(4, 'x')}, 'LOGIN_SUCCEEDED', ${now} - x * 1000, ${id(1, `1 + (x - 1) % ${counts.accounts}`)}, ${id(2, `1 + (x - 1) % ${counts.sessions}`)}, '127.0.0.1', 'fill' from s`);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return (Date.now() - started) / 1000;
}

/**
 * The fill in a child process (on core `core`): it blocks for minutes, and a blocked orchestrator would wake to
 * keep-alive sockets the server closed meanwhile. Resolves with the seconds it took.
 */
export async function fillDatabase(file: string, counts: FillCounts, core: number): Promise<number> {
  const child = new Child('bench/fill.ts', core, { args: [file, String(counts.accounts), String(counts.sessions), String(counts.auditEvents)] });
  const { seconds } = await child.json<{ seconds: number }>();
  await child.exit(10_000);
  return seconds;
}

if (require.main === module) {
  const [file, accounts, sessions, auditEvents] = process.argv.slice(2);
  const seconds = fill(file, { accounts: Number(accounts), sessions: Number(sessions), auditEvents: Number(auditEvents) }, (msg) => process.stderr.write(`[bench:fill] ${msg}\n`));
  process.stdout.write(JSON.stringify({ seconds }) + '\n');
}
