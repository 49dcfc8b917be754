import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freshDatabase } from '../helpers/database';
import { createTestServer, firstError, login, register, TEST_SECRET, type TestServer } from '../helpers/server';
import { RawSocket, sleep, wsUrl } from '../helpers/ws';

const ROOT = join(__dirname, '..', '..');

/** Runs the CLI without blocking this process's event loop (the test server lives here too). */
function cli(args: string[], env: Record<string, string>, input = ''): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/cli/user.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, ARGON2_MEMORY_KIB: '4096', ARGON2_TIME_COST: '1', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

describe('npm run user', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: TestServer;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await server?.close();
    await db.drop();
  });

  it('creates an admin from a password on stdin, who can then log in and use ADMIN fields', async () => {
    const created = await cli(['create', '--username', 'root', '--role', 'ADMIN'], { DATABASE_URL: db.url }, 'root password 1\n');
    expect(created.stderr).not.toMatch(/error/i);
    expect(created.status).toBe(0);
    server = await createTestServer({ DATABASE_URL: db.url });
    const payload = await login(server, 'root', 'root password 1');
    expect(payload.user.role).toBe('ADMIN');
    const res = await server.gql('{ users { totalCount edges { node { username role } } } }', {}, { token: payload.accessToken });
    expect(res.body.data.users.edges).toEqual([{ node: { username: 'root', role: 'ADMIN' } }]);
  });

  it('says what is wrong, then the usage, for an unknown command and an empty username', async () => {
    const unknown = await cli(['frobnicate', '--username', 'bob'], { DATABASE_URL: db.url });
    expect(unknown.status).toBe(64);
    expect(unknown.stderr.split('\n')[0]).toBe('unknown command "frobnicate"');
    expect(unknown.stderr).toMatch(/^usage: npm run user/m);
    for (const username of ['', '  ']) {
      const empty = await cli(['create', '--username', username], { DATABASE_URL: db.url });
      expect(empty.status).toBe(64);
      expect(empty.stderr.split('\n')[0]).toBe("--username is empty: give the account's name");
      expect(empty.stderr).toMatch(/^usage: npm run user/m);
    }
  }, 120_000);

  it('refuses a password on the command line', async () => {
    const res = await cli(['create', '--username', 'eve', '--password', 'secret password'], { DATABASE_URL: db.url });
    expect(res.status).toBe(64);
  });

  it('deactivates a user, ending their sessions', async () => {
    const payload = await login(server, 'root', 'root password 1');
    const res = await cli(['deactivate', '--username', 'ROOT'], { DATABASE_URL: db.url });
    expect(res.status).toBe(0);
    const me = await server.gql('{ me { id } }', {}, { token: payload.accessToken });
    expect(firstError(me)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'ACCOUNT_DISABLED' });
  });

  it('grants and revokes roles, ADMIN and custom ones', async () => {
    await server.app.services.roles.create(server.app.orm.em.fork(), { user: null, meta: { ip: null, userAgent: null } }, 'AUDITOR', ['audit:read'], null);
    const made = await cli(['create', '--username', 'carl'], { DATABASE_URL: db.url }, 'carl password 1\n');
    expect(made.status).toBe(0);
    const granted = await cli(['grant-role', '--username', 'carl', '--role', 'auditor'], { DATABASE_URL: db.url });
    expect(granted.stderr).toBe('');
    expect(granted.stdout).toMatch(/carl now holds USER, AUDITOR/);
    const carl = await login(server, 'carl', 'carl password 1');
    expect((await server.gql('{ auditEvents(first: 1) { totalCount } }', {}, { token: carl.accessToken })).status).toBe(200);
    expect((await cli(['grant-role', '--username', 'carl', '--role', 'ADMIN'], { DATABASE_URL: db.url })).stdout).toMatch(/carl now holds USER, ADMIN, AUDITOR/);
    expect((await cli(['revoke-role', '--username', 'carl', '--role', 'AUDITOR'], { DATABASE_URL: db.url })).stdout).toMatch(/carl now holds USER, ADMIN\n/);
    expect((await cli(['revoke-role', '--username', 'carl', '--role', 'ADMIN'], { DATABASE_URL: db.url })).stdout).toMatch(/carl now holds USER\n/);
    expect(firstError(await server.gql('{ auditEvents(first: 1) { totalCount } }', {}, { token: carl.accessToken }))).toMatchObject({ code: 'FORBIDDEN', missing: 'audit:read' });
    const unknown = await cli(['grant-role', '--username', 'carl', '--role', 'NOPE'], { DATABASE_URL: db.url });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/NOT_FOUND/);
    expect((await cli(['grant-role', '--username', 'carl'], { DATABASE_URL: db.url })).status).toBe(64);
    expect((await cli(['set-role', '--username', 'carl', '--role', 'AUDITOR'], { DATABASE_URL: db.url })).status).toBe(64);
  }, 90_000); // eight CLI processes, each starting tsx

  it('rejects a weak password with the policy code', async () => {
    const res = await cli(['create', '--username', 'bob'], { DATABASE_URL: db.url }, 'short\n');
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/BAD_USER_INPUT/);
  });

  it('resets a password with the same policy, ending every session', async () => {
    expect((await cli(['activate', '--username', 'root'], { DATABASE_URL: db.url })).status).toBe(0);
    const before = await login(server, 'root', 'root password 1');
    const weak = await cli(['set-password', '--username', 'root'], { DATABASE_URL: db.url }, 'password123\n');
    expect(weak.status).toBe(1);
    expect(weak.stderr).toMatch(/BAD_USER_INPUT/);
    const reset = await cli(['set-password', '--username', 'root'], { DATABASE_URL: db.url }, 'a new root passphrase\n');
    expect(reset.status).toBe(0);
    const me = await server.gql('{ me { id } }', {}, { token: before.accessToken });
    expect(firstError(me)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
    expect((await login(server, 'root', 'a new root passphrase')).user.username).toBe('root');
  });
});

describe('npm run user while a server runs', () => {
  it('a deactivation reaches the user’s open WebSocket within a second, on SQLite too (SUBSCRIPTION_RECHECK stays 60 s)', async () => {
    const db = await freshDatabase();
    const server = await createTestServer({ DATABASE_URL: db.url });
    try {
      const alice = await register(server, 'sockuser');
      const socket = new RawSocket(wsUrl(server));
      expect(await socket.init({ accessToken: alice.accessToken })).toBe('ack');
      const done = await cli(['deactivate', '--username', 'sockuser'], { DATABASE_URL: db.url });
      expect(done.status).toBe(0);
      const closed = await Promise.race([socket.closed, sleep(1500).then(() => null)]);
      expect(closed).toEqual({ code: 4403, reason: 'ACCOUNT_DISABLED' });
    } finally {
      await server.close();
      await db.drop();
    }
  });

  it('a role taken away reaches the user’s open WebSocket within a second, on SQLite too', async () => {
    const db = await freshDatabase();
    const server = await createTestServer({ DATABASE_URL: db.url });
    try {
      await register(server, 'roleuser', 'role user password 1');
      expect((await cli(['grant-role', '--username', 'roleuser', '--role', 'ADMIN'], { DATABASE_URL: db.url })).status).toBe(0);
      const admin = await login(server, 'roleuser', 'role user password 1');
      const socket = new RawSocket(wsUrl(server));
      expect(await socket.init({ accessToken: admin.accessToken })).toBe('ack');
      expect((await cli(['revoke-role', '--username', 'roleuser', '--role', 'ADMIN'], { DATABASE_URL: db.url })).status).toBe(0);
      const closed = await Promise.race([socket.closed, sleep(1500).then(() => null)]);
      expect(closed).toEqual({ code: 4403, reason: 'PERMISSIONS_CHANGED' });
    } finally {
      await server.close();
      await db.drop();
    }
  });
});
