import { Client } from 'pg';
import { Session } from '../../../src/modules/session/session.entity';
import { User } from '../../../src/modules/user/user.entity';
import { createTestServer, firstError, register, ME, type TestServer } from '../../helpers/server';

/** The viewer check runs a prepared statement: each of these must still stop a token on the very next request. */
describe('viewer check with the prepared statement', () => {
  let server: TestServer;
  let seq = 0;
  beforeAll(async () => {
    server = await createTestServer({ REFRESH_IDLE_TTL: '100', ACCESS_TOKEN_TTL: '3600', JWT_MAX_LIFETIME: '3600' });
  });
  afterAll(() => server.close());

  const me = (token: string) => server.gql(ME, {}, { token });
  const em = () => server.app.orm.em.fork();
  /** A user whose token has already passed the check once, so the statement is prepared and reused. */
  async function signedIn() {
    const pair = await register(server, `viewer${++seq}`);
    expect((await me(pair.accessToken)).status).toBe(200);
    return pair;
  }
  const expectRefused = async (token: string, reason: string) => {
    const res = await me(token);
    expect([res.status, firstError(res)]).toEqual([401, expect.objectContaining({ code: 'UNAUTHENTICATED', reason })]);
  };

  it('refuses a revoked session', async () => {
    const pair = await signedIn();
    await em().nativeUpdate(Session, { id: pair.sessionId }, { revokedAt: new Date(), revokedReason: 'LOGOUT' });
    await expectRefused(pair.accessToken, 'TOKEN_REVOKED');
  });

  it('refuses a deactivated user, and accepts the user again once reactivated', async () => {
    const pair = await signedIn();
    await em().nativeUpdate(User, { id: pair.user.id }, { isActive: false });
    await expectRefused(pair.accessToken, 'ACCOUNT_DISABLED');
    await em().nativeUpdate(User, { id: pair.user.id }, { isActive: true });
    expect((await me(pair.accessToken)).body.data.me.id).toBe(pair.user.id);
  });

  it('refuses an idle session', async () => {
    const pair = await signedIn();
    server.clock.advance(101);
    await expectRefused(pair.accessToken, 'TOKEN_EXPIRED');
  });

  it('reads the role from the database on each request', async () => {
    const pair = await signedIn();
    await em().nativeUpdate(User, { id: pair.user.id }, { role: 'ADMIN' });
    expect((await server.gql('{ me { role } }', {}, { token: pair.accessToken })).body.data.me.role).toBe('ADMIN');
  });

  it('never reads another request’s uncommitted change (a revocation rolled back does not count)', async () => {
    const pair = await signedIn();
    let rollBack!: () => void;
    const held = new Promise<void>((resolve) => (rollBack = resolve));
    let revoked!: () => void;
    const inside = new Promise<void>((resolve) => (revoked = resolve));
    const tx = em()
      .transactional(async (t) => {
        await t.nativeUpdate(Session, { id: pair.sessionId }, { revokedAt: new Date(), revokedReason: 'LOGOUT' });
        revoked();
        await held;
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await inside;
    const during = me(pair.accessToken); // SQLite: waits for the connection; PostgreSQL: reads the committed row
    await new Promise((r) => setTimeout(r, 50));
    rollBack();
    await tx;
    expect((await during).status).toBe(200);
  });
});

const describePg = process.env.TEST_DATABASE_URL ? describe : describe.skip;

describePg('viewer check on PostgreSQL after the connection is lost', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.close());

  it('prepares the named statement again on a new connection and keeps refusing revoked sessions', async () => {
    const alice = await register(server, 'alice');
    const bob = await register(server, 'bob');
    for (const pair of [alice, bob]) expect((await server.gql(ME, {}, { token: pair.accessToken })).status).toBe(200);

    const admin = new Client({ connectionString: server.config.database.kind === 'postgresql' ? server.config.database.url : '' });
    await admin.connect();
    try {
      const killed = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
      expect(killed.rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    await new Promise((r) => setTimeout(r, 200)); // the pool notices the closed sockets

    const res = await server.gql(ME, {}, { token: alice.accessToken });
    expect([res.status, res.body.data?.me?.id]).toEqual([200, alice.user.id]);
    await server.app.orm.em.fork().nativeUpdate(Session, { id: bob.sessionId }, { revokedAt: new Date(), revokedReason: 'LOGOUT' });
    const refused = await server.gql(ME, {}, { token: bob.accessToken });
    expect([refused.status, firstError(refused).reason]).toEqual([401, 'TOKEN_REVOKED']);
  });
});
