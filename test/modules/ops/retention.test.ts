import { randomUUID } from 'node:crypto';
import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex';
import { Client } from 'pg';
import { createTestServer, login, ME, REFRESH, register, type TestServer } from '../../helpers/server';
import { countStatements } from '../../helpers/shop';

const DAY = 86400_000;

/** Rows straight into the tables (the retention job works on rows, whatever made them). */
async function insert(server: TestServer, table: string, rows: Record<string, unknown>[]): Promise<void> {
  const knex = (server.app.orm.em as unknown as SqlEntityManager).getKnex();
  const sqlite = server.config.database.kind === 'sqlite';
  const convert = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date && sqlite ? v.getTime() : v]));
  await knex.batchInsert(table, rows.map(convert), 500);
}

async function count(server: TestServer, table: string, where = '1 = 1'): Promise<number> {
  const knex = (server.app.orm.em as unknown as SqlEntityManager).getKnex();
  const [row] = await knex.raw(`select count(*) as n from ${table} where ${where}`).then((r: any) => (Array.isArray(r) ? r : r.rows));
  return Number(row.n);
}

function sessions(userId: string, n: number, init: { expiresAt: Date; revokedAt?: Date | null; tokensEach?: number }) {
  const rows: Record<string, unknown>[] = [];
  const tokens: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    const t = new Date(init.expiresAt.getTime() - 30 * DAY);
    rows.push({ id, user_id: userId, created_at: t, last_used_at: t, expires_at: init.expiresAt, auth_time: t, revoked_at: init.revokedAt ?? null, revoked_reason: init.revokedAt ? 'LOGOUT' : null });
    for (let k = 0; k < (init.tokensEach ?? 1); k++) tokens.push({ id: randomUUID(), session_id: id, token_hash: randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, ''), created_at: t });
  }
  return { rows, tokens };
}

describe('retention job', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await createTestServer({ CLEANUP_BATCH: '100', CLEANUP_GRACE: '1d', AUDIT_RETENTION: '365d' });
  });
  afterEach(() => server.close());

  it('deletes expired e-mail links and MFA challenges, and sent mail past MAIL_RETENTION; keeps live ones and unsent mail', async () => {
    const alice = await register(server, 'ret_mail');
    const now = server.clock.now().getTime();
    const link = (expiresAt: Date) => ({ id: randomUUID(), user_id: alice.user.id, purpose: 'RESET', token_hash: randomUUID().replace(/-/g, ''), email_key: 'a@b.c', email: 'a@b.c', password_tag: 'x', created_at: new Date(expiresAt.getTime() - 1800_000), expires_at: expiresAt });
    await insert(server, 'email_tokens', [link(new Date(now - 1000)), link(new Date(now + 600_000))]);
    const ticket = (expiresAt: Date) => ({ id: randomUUID(), kind: 'MFA_LOGIN', secret_hash: randomUUID().replace(/-/g, ''), user_id: alice.user.id, created_at: new Date(expiresAt.getTime() - 300_000), expires_at: expiresAt });
    await insert(server, 'mfa_tickets', [ticket(new Date(now - 1000)), ticket(new Date(now + 60_000))]);
    const mail = (status: string, sentAt: Date | null) => ({ id: randomUUID(), template: 'notice', status, next_attempt_at: new Date(now), created_at: new Date(now - 40 * DAY), sent_at: sentAt });
    await insert(server, 'mail_outbox', [mail('SENT', new Date(now - 31 * DAY)), mail('SENT', new Date(now - DAY)), mail('QUEUED', null), mail('FAILED', null)]);

    const removed = await server.app.retention.runOnce();
    expect(removed).toMatchObject({ email_tokens: 1, mfa_tickets: 1, mail_outbox: 1 });
    expect(await count(server, 'email_tokens')).toBe(1);
    expect(await count(server, 'mfa_tickets')).toBe(1);
    expect(await count(server, 'mail_outbox', "status = 'SENT'")).toBe(1);
    expect(await count(server, 'mail_outbox', "status <> 'SENT'")).toBe(2);
  });

  it('deletes expired and revoked sessions (past the grace) with their refresh tokens, spent one-time records and old audit rows, and keeps the rest', async () => {
    const alice = await register(server, 'ret_alice');
    const userId = alice.user.id;
    const now = server.clock.now().getTime();
    const expired = sessions(userId, 250, { expiresAt: new Date(now - 2 * DAY), tokensEach: 2 });
    const inGrace = sessions(userId, 3, { expiresAt: new Date(now - DAY / 2) });
    const revoked = sessions(userId, 120, { expiresAt: new Date(now + 10 * DAY), revokedAt: new Date(now - 3 * DAY) });
    const live = sessions(userId, 5, { expiresAt: new Date(now + 10 * DAY) });
    for (const set of [expired, inGrace, revoked, live]) {
      await insert(server, 'sessions', set.rows);
      await insert(server, 'refresh_tokens', set.tokens);
    }
    const flow = (expiresAt: Date) => ({ id: randomUUID(), state_hash: randomUUID(), provider: 'p', nonce: 'n', code_verifier: 'v', redirect: '/', delivery: 'code', created_at: new Date(expiresAt.getTime() - 600_000), expires_at: expiresAt });
    await insert(server, 'oidc_flows', [flow(new Date(now - 1000)), flow(new Date(now - DAY)), flow(new Date(now + 600_000))]);
    const code = (expiresAt: Date) => ({ id: randomUUID(), code_hash: randomUUID(), purpose: 'login', user_id: userId, provider: 'p', created_at: expiresAt, expires_at: expiresAt });
    await insert(server, 'login_codes', [code(new Date(now - 1000)), code(new Date(now + 60_000))]);
    const audit = (at: Date) => ({ id: randomUUID(), type: 'LOGIN_FAILED', at });
    await insert(server, 'audit_events', [audit(new Date(now - 400 * DAY)), audit(new Date(now - 366 * DAY)), audit(new Date(now - 300 * DAY))]);
    await server.app.services.audit.flush();
    const auditBefore = await count(server, 'audit_events');

    const removed = await server.app.retention.runOnce();

    expect(removed).toEqual({ refresh_tokens: 250 * 2 + 120, sessions: 250 + 120, oidc_flows: 2, login_codes: 1, audit_events: 2 });
    // alice's own session (from register) and the live and in-grace ones stay, with their tokens.
    expect(await count(server, 'sessions')).toBe(1 + 3 + 5);
    expect(await count(server, 'refresh_tokens')).toBe(1 + 3 + 5);
    expect(await count(server, 'oidc_flows')).toBe(1);
    expect(await count(server, 'login_codes')).toBe(1);
    expect(await count(server, 'audit_events')).toBe(auditBefore - 2);
    expect((await server.gql(ME, {}, { token: alice.accessToken })).body.data.me.id).toBe(userId);
    expect((await server.gql(REFRESH, { token: alice.refreshToken })).body.data.refreshToken.accessToken).toEqual(expect.any(String));

    // Counted on the metrics, and a second pass finds nothing.
    const text = await (await server.http('/metrics')).text();
    expect(text).toMatch(/tokengate_cleanup_rows_removed_total\{table="sessions"\} 370/);
    expect(await server.app.retention.runOnce()).toEqual({});
  });

  const onPostgres = process.env.TEST_DATABASE_URL ? it : it.skip;
  onPostgres('on PostgreSQL one instance at a time: a pass while another holds the advisory lock removes nothing (TEST_DATABASE_URL)', async () => {
    const alice = await register(server, 'ret_lock');
    await insert(server, 'sessions', sessions(alice.user.id, 3, { expiresAt: new Date(server.clock.now().getTime() - 5 * DAY) }).rows);
    const other = new Client({ connectionString: (server.config.database as { url: string }).url });
    await other.connect();
    try {
      await other.query('select pg_advisory_lock(7412031906)');
      expect(await server.app.retention.runOnce()).toEqual({});
      await other.query('select pg_advisory_unlock(7412031906)');
      expect(await server.app.retention.runOnce()).toEqual({ sessions: 3 });
    } finally {
      await other.end();
    }
  });

  it('AUDIT_RETENTION=0 keeps the audit trail for ever', async () => {
    await server.close();
    server = await createTestServer({ AUDIT_RETENTION: '0' });
    const now = server.clock.now().getTime();
    await insert(server, 'audit_events', [{ id: randomUUID(), type: 'LOGIN_FAILED', at: new Date(now - 4000 * DAY) }]);
    expect(await server.app.retention.runOnce()).toEqual({});
    expect(await count(server, 'audit_events')).toBe(1);
  });

  it('me keeps answering while a large purge runs, which deletes in bounded batches', async () => {
    const alice = await register(server, 'ret_busy');
    const now = server.clock.now().getTime();
    const total = 10_000;
    for (let i = 0; i < total; i += 5000) {
      const set = sessions(alice.user.id, 5000, { expiresAt: new Date(now - 5 * DAY) });
      await insert(server, 'sessions', set.rows);
      await insert(server, 'refresh_tokens', set.tokens);
    }
    let answered = 0;
    let failed = 0;
    let purging = true;
    const { statements } = await countStatements(server, async () => {
      const purge = server.app.retention.runOnce().finally(() => (purging = false));
      const reader = (async () => {
        while (purging) {
          const res = await server.gql(ME, {}, { token: alice.accessToken });
          if (res.body.data?.me?.id === alice.user.id) answered++;
          else failed++;
        }
      })();
      const [removed] = await Promise.all([purge, reader]);
      expect(removed.sessions).toBe(total);
    });
    expect(failed).toBe(0);
    expect(answered).toBeGreaterThan(0);
    const deletes = statements.filter((s) => /^delete from sessions/i.test(s));
    expect(deletes.length).toBeGreaterThanOrEqual(total / 100);
    for (const sql of deletes) expect((sql.match(/\?|\$\d+|'[0-9a-f-]{36}'/g) ?? []).length).toBeLessThanOrEqual(101);
    expect(await login(server, 'ret_busy')).toBeTruthy();
  });
});
