import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../src/config';

const SECRET = 'a-test-secret-of-exactly-32-byte';

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tokengate-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Always a temp DATA_DIR, so no test can write into the working copy. */
  const load = (env: NodeJS.ProcessEnv = {}) => loadConfig({ DATA_DIR: dir, JWT_SECRET: SECRET, ...env });

  describe('defaults', () => {
    it('fills every default in development', () => {
      const cfg = load();
      expect(SECRET).toHaveLength(32);
      expect(cfg).toMatchObject({
        env: 'development',
        host: '0.0.0.0',
        port: 4000,
        dataDir: resolve(dir),
        database: { kind: 'sqlite', file: join(resolve(dir), 'tokengate.sqlite') },
        jwt: { issuer: 'tokengate', audience: 'tokengate', accessTtl: 900, maxLifetime: 900, clockTolerance: 30 },
        argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
        session: {
          refreshTtl: 30 * 86400,
          idleTtl: 7 * 86400,
          graceSeconds: 10,
          freshLoginWindow: 600,
          cookie: { enabled: false, secure: false, name: 'tokengate-refresh', path: '/graphql' },
        },
        corsOrigins: [],
        introspection: true,
        landingPage: true,
        trustProxy: false,
        logLevel: 'info',
        live: { maxSubscriptionsPerSocket: 20, maxSocketsPerUser: 10, maxAnonymousSocketsPerIp: 20, idleTimeoutSeconds: 60, recheckSeconds: 60 },
      });
      expect(cfg.jwt.secret.equals(Buffer.from(SECRET))).toBe(true);
      expect(Object.isFrozen(cfg)).toBe(true);
    });

    it('reads the DPoP policy: optional, 60 s, no nonces, htu from PUBLIC_URL (none without it)', () => {
      expect(load().dpop).toEqual({ mode: 'optional', maxAge: 60, nonce: false, htu: null });
      expect(load({ DPOP: 'required', DPOP_MAX_AGE: '2m', DPOP_NONCE: 'true', PUBLIC_URL: 'https://id.example.com/' }).dpop).toEqual({
        mode: 'required',
        maxAge: 120,
        nonce: true,
        htu: 'https://id.example.com/graphql',
      });
    });

    it('turns introspection and the landing page off in production, and makes the cookie secure', () => {
      const cfg = load({ NODE_ENV: 'production' });
      expect(cfg.env).toBe('production');
      expect(cfg.introspection).toBe(false);
      expect(cfg.landingPage).toBe(false);
      expect(cfg.session.cookie).toMatchObject({ enabled: false, secure: true, name: '__Secure-tokengate-refresh' });
    });

    it('is silent under test', () => {
      expect(load({ NODE_ENV: 'test' }).logLevel).toBe('silent');
    });
  });

  describe('values', () => {
    it.each([
      ['900', 900],
      ['900s', 900],
      ['15m', 900],
      ['2h', 7200],
      ['30d', 30 * 86400],
    ])('reads the duration %s as %i seconds', (raw, seconds) => {
      expect(load({ REFRESH_TOKEN_TTL: raw }).session.refreshTtl).toBe(seconds);
    });

    it('raises the max lifetime with a longer access ttl', () => {
      expect(load({ ACCESS_TOKEN_TTL: '2h' }).jwt).toMatchObject({ accessTtl: 7200, maxLifetime: 7200 });
    });

    it('reads port, cookie, CORS origins and a zero grace period', () => {
      const cfg = load({ PORT: '8080', REFRESH_COOKIE: 'true', CORS_ORIGINS: 'https://a.example, https://b.example', REFRESH_GRACE_PERIOD: '0' });
      expect(cfg.port).toBe(8080);
      expect(cfg.session.cookie.enabled).toBe(true);
      expect(cfg.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
      expect(cfg.session.graceSeconds).toBe(0);
    });
  });

  describe('invalid values throw a TypeError', () => {
    it.each<[string, NodeJS.ProcessEnv]>([
      ['PORT=abc', { PORT: 'abc' }],
      ['PORT=65536', { PORT: '65536' }],
      ['PORT=-1', { PORT: '-1' }],
      ['PORT=80.5', { PORT: '80.5' }],
      ['ACCESS_TOKEN_TTL=15x', { ACCESS_TOKEN_TTL: '15x' }],
      ['ACCESS_TOKEN_TTL=0', { ACCESS_TOKEN_TTL: '0' }],
      ['ACCESS_TOKEN_TTL=-5', { ACCESS_TOKEN_TTL: '-5' }],
      ['ACCESS_TOKEN_TTL=1.5h', { ACCESS_TOKEN_TTL: '1.5h' }],
      ['ACCESS_TOKEN_TTL=m', { ACCESS_TOKEN_TTL: 'm' }],
      ['JWT_MAX_LIFETIME below ACCESS_TOKEN_TTL', { ACCESS_TOKEN_TTL: '1h', JWT_MAX_LIFETIME: '15m' }],
      ['REFRESH_COOKIE=maybe', { REFRESH_COOKIE: 'maybe' }],
      ['CORS_ORIGINS containing *', { CORS_ORIGINS: 'https://a.example,*' }],
      ['NODE_ENV=staging', { NODE_ENV: 'staging' }],
      ['NODE_ENV=Production', { NODE_ENV: 'Production' }],
      ['DATABASE_URL=mysql://…', { DATABASE_URL: 'mysql://root@db/app' }],
      ['DATABASE_URL=a bare path', { DATABASE_URL: 'data.sqlite' }],
      ['JWT_ALGORITHM=none', { JWT_ALGORITHM: 'none' }],
      ['WS_MAX_ANONYMOUS_SOCKETS_PER_IP=0', { WS_MAX_ANONYMOUS_SOCKETS_PER_IP: '0' }],
      ['WS_IDLE_TIMEOUT=0', { WS_IDLE_TIMEOUT: '0' }],
      ['WS_IDLE_TIMEOUT=2d', { WS_IDLE_TIMEOUT: '2d' }],
      ['DPOP=always', { DPOP: 'always' }],
      ['DPOP_MAX_AGE over an hour', { DPOP_MAX_AGE: '2h' }],
      ['DPOP_NONCE=sometimes', { DPOP_NONCE: 'sometimes' }],
    ])('%s', (_name, env) => {
      expect(() => load(env)).toThrow(TypeError);
    });

    it('does not echo database credentials in the error', () => {
      expect(() => load({ DATABASE_URL: 'mysql://admin:hunter2@db/app' })).toThrow(TypeError);
      expect(() => load({ DATABASE_URL: 'mysql://admin:hunter2@db/app' })).not.toThrow(/hunter2/);
    });
  });

  describe('settings that would switch a protection off are refused', () => {
    it.each<[string, NodeJS.ProcessEnv]>([
      // Longer than a timer can wait (Node fires those after 1 ms): the limit, recheck or drain would not hold.
      ['RATE_LOGIN_IP_WINDOW=25d', { RATE_LOGIN_IP_WINDOW: '25d' }],
      ['RATE_LOGIN_IP_BLOCK=25d', { RATE_LOGIN_IP_BLOCK: '25d' }],
      ['RATE_API_TOKEN_IP_BLOCK=30d', { RATE_API_TOKEN_IP_BLOCK: '30d' }],
      ['SUBSCRIPTION_RECHECK=30d', { SUBSCRIPTION_RECHECK: '30d' }],
      ['SHUTDOWN_TIMEOUT=30d', { SHUTDOWN_TIMEOUT: '30d' }],
      ['DATABASE_STATEMENT_TIMEOUT=30d', { DATABASE_URL: 'postgres://u@h/db', DATABASE_STATEMENT_TIMEOUT: '30d' }],
      ['ACCESS_TOKEN_TTL of a million years', { ACCESS_TOKEN_TTL: '365000000d' }],
      ['JWT_ISSUER empty', { JWT_ISSUER: '' }],
      ['JWT_AUDIENCE empty', { JWT_AUDIENCE: '' }],
      ['JWT_AUDIENCE blank', { JWT_AUDIENCE: '  ' }],
      ['TRUST_PROXY=0.0.0.0/1,128.0.0.0/1', { TRUST_PROXY: '0.0.0.0/1,128.0.0.0/1' }],
      ['TRUST_PROXY=0.0.0.0/0', { TRUST_PROXY: '0.0.0.0/0' }],
      ['TRUST_PROXY=::/0', { TRUST_PROXY: '::/0' }],
      ['TRUST_PROXY=::ffff:0:0/96', { TRUST_PROXY: '::ffff:0:0/96' }],
      ['TRUST_PROXY=0:0:0:0:0:ffff:0:0/96 (the same range spelled out)', { TRUST_PROXY: '0:0:0:0:0:ffff:0:0/96' }],
      ['TRUST_PROXY=::0:ffff:0:0/96', { TRUST_PROXY: '::0:ffff:0:0/96' }],
      ['TRUST_PROXY=::/7 (holds every IPv4-mapped address)', { TRUST_PROXY: '::/7' }],
      ['TRUST_PROXY=::ffff:10.0.0.0/100', { TRUST_PROXY: '::ffff:10.0.0.0/100' }],
      ['TRUST_PROXY=10.0.0.0/0.0.0.0', { TRUST_PROXY: '10.0.0.0/0.0.0.0' }],
      ['TRUST_PROXY=999', { TRUST_PROXY: '999' }],
      ['TRUST_PROXY=" true"', { TRUST_PROXY: ' true' }],
      ['TRUST_PROXY=proxy.internal', { TRUST_PROXY: 'proxy.internal' }],
      ['TRUST_PROXY=10.0.0.1/33', { TRUST_PROXY: '10.0.0.1/33' }],
      ['CORS_ORIGINS=null', { CORS_ORIGINS: 'null' }],
      ['JWT_SECRET of 48 spaces', { JWT_SECRET: ' '.repeat(48) }],
      ['JWT_SECRET with a trailing space', { JWT_SECRET: SECRET + ' ' }],
      ['JWT_CLOCK_TOLERANCE of ten years', { JWT_CLOCK_TOLERANCE: '3650d' }],
      ['JWT_CLOCK_TOLERANCE=6m', { JWT_CLOCK_TOLERANCE: '6m' }],
      ['REFRESH_GRACE_PERIOD=30d', { REFRESH_GRACE_PERIOD: '30d' }],
      ['NODE_ENV empty', { NODE_ENV: '' }],
      ['HOST empty', { HOST: '' }],
    ])('%s', (_name, env) => {
      expect(() => load(env)).toThrow(TypeError);
      try {
        load(env);
      } catch (err) {
        expect((err as Error).message).not.toMatch(/\n/); // the one-line message index.ts prints before exit 78
        expect((err as Error).message).toMatch(new RegExp(Object.keys(env).at(-1)!));
      }
    });

    it('keeps the values at the bounds', () => {
      const cfg = load({ RATE_LOGIN_IP_WINDOW: '24d', RATE_LOGIN_IP_BLOCK: '24d', SUBSCRIPTION_RECHECK: '1d', SHUTDOWN_TIMEOUT: '1h', JWT_CLOCK_TOLERANCE: '5m', REFRESH_GRACE_PERIOD: '60' });
      expect(cfg.rateLimits.loginIp).toMatchObject({ duration: 24 * 86400, block: 24 * 86400 });
      expect([cfg.live.recheckSeconds, cfg.shutdownTimeout, cfg.jwt.clockTolerance, cfg.session.graceSeconds]).toEqual([86400, 3600, 300, 60]);
    });

    it.each([
      ['1', 1],
      ['5', 5],
      ['10.0.0.0/8, 192.168.1.10', '10.0.0.0/8,192.168.1.10'],
      ['loopback,fc00::/7', 'loopback,fc00::/7'],
      ['10.0.0.0/255.0.0.0', '10.0.0.0/255.0.0.0'],
    ])('accepts TRUST_PROXY=%s', (raw, parsed) => {
      expect(load({ TRUST_PROXY: raw }).trustProxy).toBe(parsed);
    });
  });

  describe('JWT secret', () => {
    it('is required in production, and says so', () => {
      expect(() => load({ NODE_ENV: 'production', JWT_SECRET: undefined })).toThrow(TypeError);
      expect(() => load({ NODE_ENV: 'production', JWT_SECRET: undefined })).toThrow(/JWT_SECRET/);
      expect(existsSync(join(dir, 'jwt-secret'))).toBe(false);
    });

    it('must be at least 32 bytes, counted in bytes', () => {
      expect(() => load({ NODE_ENV: 'production', JWT_SECRET: SECRET.slice(1) })).toThrow(TypeError);
      expect(load({ NODE_ENV: 'production', JWT_SECRET: SECRET }).jwt.secret).toHaveLength(32);
      expect(() => load({ NODE_ENV: 'production', JWT_SECRET: '\u00e9'.repeat(15) + 'a' })).toThrow(TypeError); // 31 bytes
      expect(load({ NODE_ENV: 'production', JWT_SECRET: '\u00e9'.repeat(16) }).jwt.secret).toHaveLength(32); // 16 chars
    });

    it('is also checked for length outside production', () => {
      expect(() => load({ JWT_SECRET: 'short' })).toThrow(TypeError);
    });

    it('is generated in development into DATA_DIR/jwt-secret, mode 0600, and reused', () => {
      const dataDir = join(dir, 'nested', 'data');
      const first = loadConfig({ DATA_DIR: dataDir });
      const file = join(dataDir, 'jwt-secret');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(first.jwt.secret.length).toBeGreaterThanOrEqual(32);
      expect(first.jwt.secret.equals(Buffer.from(readFileSync(file, 'utf8').trim()))).toBe(true);
      const second = loadConfig({ DATA_DIR: dataDir });
      expect(second.jwt.secret.equals(first.jwt.secret)).toBe(true);
    });

    it('gives two data folders two different secrets', () => {
      const a = loadConfig({ DATA_DIR: join(dir, 'a') }).jwt.secret;
      const b = loadConfig({ DATA_DIR: join(dir, 'b') }).jwt.secret;
      expect(a.equals(b)).toBe(false);
    });

    it('tightens an existing secret file to 0600', () => {
      const file = join(dir, 'jwt-secret');
      writeFileSync(file, 'an-existing-secret-that-is-long-enough-to-use\n', { mode: 0o644 });
      const cfg = loadConfig({ DATA_DIR: dir });
      expect(cfg.jwt.secret.toString()).toBe('an-existing-secret-that-is-long-enough-to-use');
      expect(statSync(file).mode & 0o777).toBe(0o600);
    });
  });

  describe('DATABASE_URL', () => {
    it.each([
      ['sqlite:relative/db.sqlite', { kind: 'sqlite', file: resolve('relative/db.sqlite') }],
      ['sqlite:/var/lib/tokengate/db.sqlite', { kind: 'sqlite', file: '/var/lib/tokengate/db.sqlite' }],
      ['file:/tmp/x.sqlite', { kind: 'sqlite', file: '/tmp/x.sqlite' }],
      ['sqlite::memory:', { kind: 'sqlite', file: ':memory:' }],
      ['postgres://app@db:5432/tokengate', { kind: 'postgresql', url: 'postgres://app@db:5432/tokengate', poolMax: 10, statementTimeoutMs: 5000 }],
      ['postgresql://app:pw@db/tokengate', { kind: 'postgresql', url: 'postgresql://app:pw@db/tokengate', poolMax: 10, statementTimeoutMs: 5000 }],
    ])('parses %s', (url, expected) => {
      expect(load({ DATABASE_URL: url }).database).toEqual(expected);
    });

    it('reads the PostgreSQL pool size and statement timeout', () => {
      const db = load({ DATABASE_URL: 'postgres://app@db/x', DATABASE_POOL_MAX: '25', DATABASE_STATEMENT_TIMEOUT: '2s' }).database;
      expect(db).toMatchObject({ poolMax: 25, statementTimeoutMs: 2000 });
      expect(() => load({ DATABASE_URL: 'postgres://app@db/x', DATABASE_POOL_MAX: '0' })).toThrow(TypeError);
    });

    it('defaults to tokengate.sqlite under DATA_DIR, also when empty', () => {
      const expected = { kind: 'sqlite', file: join(resolve(dir), 'tokengate.sqlite') };
      expect(load().database).toEqual(expected);
      expect(load({ DATABASE_URL: '' }).database).toEqual(expected);
    });
  });

  describe('WEB_APP and EXPLORER', () => {
    it('serve the web app and its explorer outside production, neither in production', () => {
      expect(load().web).toEqual({ app: true, explorer: true });
      expect(load({ NODE_ENV: 'test' }).web).toEqual({ app: true, explorer: true });
      expect(load({ NODE_ENV: 'production' }).web).toEqual({ app: false, explorer: false });
    });

    it('turn on separately in production', () => {
      expect(load({ NODE_ENV: 'production', WEB_APP: 'true' }).web).toEqual({ app: true, explorer: false });
      expect(load({ NODE_ENV: 'production', WEB_APP: 'true', EXPLORER: 'true' }).web).toEqual({ app: true, explorer: true });
      expect(load({ WEB_APP: 'true', EXPLORER: 'false' }).web).toEqual({ app: true, explorer: false });
    });

    it('the explorer is part of the app: WEB_APP=false turns it off, EXPLORER=true without the app is refused', () => {
      expect(load({ WEB_APP: 'false' }).web).toEqual({ app: false, explorer: false });
      expect(() => load({ WEB_APP: 'false', EXPLORER: 'true' })).toThrow(/EXPLORER=true needs WEB_APP=true/);
      expect(() => load({ NODE_ENV: 'production', EXPLORER: 'true' })).toThrow(TypeError);
    });

    it.each([['WEB_APP'], ['EXPLORER']])('%s must be a boolean', (name) => {
      expect(() => load({ [name]: 'sometimes' })).toThrow(new RegExp(`${name} must be true or false`));
    });
  });
});

describe('the process with a bad setting', () => {
  const run = (env: Record<string, string>) =>
    new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/index.ts'], {
        cwd: resolve(__dirname, '..'),
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATA_DIR: '/nonexistent-data-dir', JWT_SECRET: SECRET, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: 'sqlite::memory:', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('exit', (code) => done({ code, stderr }));
    });

  it.each([[' true']])('TRUST_PROXY=%j stops the start with exit 78 and one line, no stack trace', async (value) => {
    const { code, stderr } = await run({ TRUST_PROXY: value });
    expect(code).toBe(78);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^tokengate: configuration error: TRUST_PROXY/);
  }, 60_000);
});
