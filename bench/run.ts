// npm run bench: server, peers (bare node:http, Apollo on Fastify, Yoga + plugin-jwt) and argon2 loop pinned to
// core 0, load generator pinned to core 1; rounds interleave every scenario, the report takes medians.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOGIN, ME, TYPENAME, createApiToken, login, loginMany, loginWithProof, loginWithSecondFactor, register, registerWithTotp } from './gql';
import { dpopSigner, newDpopKey } from './dpop';
import type { LoadJob, LoadSpec } from './load';
import { Child, killAll } from './proc';
import { printReport, ROWS, type Memory, type Row } from './report';
import { measureLive } from './live';
import { median, type Measured } from './stats';
import { benchEnv } from './env';
import { fillDatabase, type FillCounts } from './fill';
import { createBenchDatabase, PG_DEFAULT, type BenchDatabase } from './pg';

const int = (name: string, fallback: number) => Math.max(1, Number.parseInt(process.env[name] ?? '', 10) || fallback);
const DURATION = int('BENCH_DURATION', 5);
const WARMUP = int('BENCH_WARMUP', 3);
const ROUNDS = int('BENCH_ROUNDS', 3);
const C = int('BENCH_CONCURRENCY', 4);
const CONNECTIONS = int('BENCH_CONNECTIONS', 20);
const SESSIONS = int('BENCH_SESSIONS', 50);
const ME_TOTAL = int('BENCH_ME_TOTAL', 200_000);
const LIVE_SOCKETS = int('BENCH_LIVE_SOCKETS', 1000);
const LIVE_SAMPLES = int('BENCH_LIVE_SAMPLES', 300);
const LIVE_SOCKETS_MORE = Number.parseInt(process.env.BENCH_LIVE_SOCKETS_MORE ?? '5000', 10) || 0;
const PROFILE = process.env.BENCH_PROFILE === '1';
const GROWTH = process.env.BENCH_GROWTH !== '0';
const FILL: FillCounts = { accounts: int('BENCH_FILL_ACCOUNTS', 1_000_000), sessions: int('BENCH_FILL_SESSIONS', 1_000_000), auditEvents: int('BENCH_FILL_AUDIT', 5_000_000) };
const PG_SERVER = process.env.BENCH_PG_URL === 'off' ? undefined : process.env.BENCH_PG_URL || PG_DEFAULT;

const redact = (url: string) => url.replace(/\/\/[^@/]*@/, '//');
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const samples = Object.fromEntries(Object.keys(ROWS).map((k) => [k, []])) as unknown as Record<Row, Measured[]>;

const dir = mkdtempSync(join(tmpdir(), 'tokengate-bench-'));

async function main(): Promise<void> {
  const env = benchEnv(dir);
  const profileDir = resolve(__dirname, 'profiles');
  if (PROFILE) mkdirSync(profileDir, { recursive: true });
  const server = new Child('bench/server.ts', 0, { env, nodeArgs: ['--expose-gc', ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])] });
  const bare = new Child('bench/bare-http.ts', 0, { env });
  const apolloFastify = new Child('bench/apollo-fastify.ts', 0, { env });
  const yoga = new Child('bench/yoga-jwt.ts', 0, { env, args: [join(dir, 'yoga.sqlite')] });
  const loader = new Child('bench/load.ts', 1);
  const skipped: string[] = [];
  let pgDatabase: BenchDatabase | undefined;
  if (PG_SERVER) {
    pgDatabase = await createBenchDatabase(PG_SERVER).catch((err: Error) => {
      skipped.push(`me (PostgreSQL): not measured, no database on ${redact(PG_SERVER)} (${err.message}); BENCH_PG_URL names the server`);
      return undefined;
    });
  } else skipped.push('me (PostgreSQL): not measured (BENCH_PG_URL=off)');
  if (!GROWTH) skipped.push('filled-database rows: not measured (BENCH_GROWTH=0)');
  const pgServer = pgDatabase ? new Child('bench/server.ts', 0, { env: benchEnv(dir, pgDatabase.url) }) : undefined;
  try {
    await loader.message();
    const url = (await server.json<{ url: string }>()).url;
    const bareUrl = (await bare.json<{ url: string }>()).url;
    const apolloFastifyUrl = (await apolloFastify.json<{ url: string }>()).url;
    const peer = await yoga.json<{ url: string; token: string }>();
    log(`server ${url} (pid ${server.pid}), bare ${bareUrl}, Apollo on Fastify ${apolloFastifyUrl}, Yoga ${peer.url}`);
    log(`${ROUNDS} rounds × ${WARMUP}s warm-up + ${DURATION}s, ${CONNECTIONS} connections`);
    const apiToken = await createApiToken(url, (await register(url)).accessToken);
    const recoveryCodes = await registerWithTotp(url);
    const pgUrl = pgServer ? (await pgServer.json<{ url: string }>()).url : undefined;
    if (pgUrl) await register(pgUrl);

    const load = async (job: Partial<LoadJob> & { specs: LoadSpec[] }): Promise<Measured[]> => {
      const reply = await loader.request<{ results?: Measured[]; error?: string }>({ warmup: WARMUP, duration: DURATION, ...job });
      if (!reply.results) throw new Error(`load generator: ${reply.error}`);
      return reply.results;
    };
    const measure = async (row: Row, spec: LoadSpec) => void samples[row].push((await load({ specs: [spec] }))[0]);
    const argon2 = async () => {
      const loop = new Child('bench/argon2-loop.ts', 0, { env, args: [C, WARMUP, DURATION].map(String) });
      samples.argon2.push(await loop.json<Measured>());
      await loop.exit(5000);
    };
    const loginSpec: LoadSpec = { url, body: LOGIN, connections: C };

    for (let round = 1; round <= ROUNDS; round++) {
      log(`round ${round}/${ROUNDS}`);
      const token = (await login(url)).accessToken;
      await measure('bare', { url: bareUrl, body: TYPENAME, connections: CONNECTIONS });
      await measure('apolloFastify', { url: apolloFastifyUrl, body: TYPENAME, connections: CONNECTIONS });
      await measure('baseline', { url, body: TYPENAME, connections: CONNECTIONS });
      await measure('me', { url, body: ME, token, connections: CONNECTIONS });
      await measure('meToken', { url, body: ME, token: apiToken, connections: CONNECTIONS });
      const dpopKey = newDpopKey();
      const bound = (await loginWithProof(url, dpopSigner(dpopKey)('POST', url))).accessToken;
      await measure('meDpop', { url, body: ME, token: bound, dpopKey, connections: CONNECTIONS });
      const code = recoveryCodes.shift();
      if (!code) throw new Error('BENCH_ROUNDS is above the 10 recovery codes the second-factor row signs in with');
      await measure('meMfa', { url, body: ME, token: await loginWithSecondFactor(url, code), connections: CONNECTIONS });
      if (pgUrl) await measure('mePg', { url: pgUrl, body: ME, token: (await login(pgUrl)).accessToken, connections: CONNECTIONS });
      await measure('yogaMe', { url: peer.url, body: ME, token: peer.token, connections: CONNECTIONS });
      await measure('login', loginSpec);
      await argon2();
      const refreshTokens = await loginMany(url, SESSIONS, C);
      await measure('refresh', { url, refreshTokens, connections: Math.min(CONNECTIONS, SESSIONS) });
    }

    const overallRate = Math.max(1, Math.round(median(samples.me.map((m) => m.rps)) / 2));
    const loginsAlongside: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      log(`me at ${overallRate} req/s, alone and with logins: round ${round}/${ROUNDS}`);
      const meSpec: LoadSpec = { url, body: ME, token: (await login(url)).accessToken, connections: CONNECTIONS, overallRate };
      samples.meHalf.push((await load({ specs: [meSpec] }))[0]);
      const [me, logins] = await load({ specs: [meSpec, loginSpec] });
      samples.meHalfLogins.push(me);
      loginsAlongside.push(logins.rps);
    }

    log(`resident memory: ${ME_TOTAL} me requests`);
    const rss = async () => (await sleep(1000), (await server.request<{ rss: number }>({ cmd: 'rss' })).rss);
    const meSpec: LoadSpec = { url, body: ME, token: (await login(url)).accessToken, connections: CONNECTIONS };
    await load({ specs: [meSpec], warmup: 0, duration: WARMUP });
    const before = await rss();
    const [run] = await load({ specs: [meSpec], warmup: 0, amount: ME_TOTAL });
    const memory: Memory = { before, after: await rss(), requests: run.requests, errors: run.errors };

    log(`live: ${LIVE_SOCKETS} idle authenticated sockets, then ${LIVE_SAMPLES} cart changes`);
    const heldBytes = async () => (await sleep(1000), (await server.request<{ live: number }>({ cmd: 'rss' })).live);
    const live = await measureLive(url, heldBytes, LIVE_SOCKETS, LIVE_SAMPLES);
    let liveMore;
    if (LIVE_SOCKETS_MORE > LIVE_SOCKETS) {
      log(`live: ${LIVE_SOCKETS_MORE} idle authenticated sockets, then ${LIVE_SAMPLES} cart changes`);
      liveMore = await measureLive(url, heldBytes, LIVE_SOCKETS_MORE, LIVE_SAMPLES);
    }

    const growthNotes: string[] = [];
    if (GROWTH) {
      // Last, since the rows stay: the same bench user, its sessions and the same statements, among many others' rows.
      log('filling the database (bench/fill.ts)');
      const seconds = await fillDatabase(join(dir, 'bench.sqlite'), FILL, 1);
      growthNotes.push(`filled database: ${FILL.accounts} accounts, ${FILL.sessions} sessions (one refresh token each), ${FILL.auditEvents} audit events, written in ${seconds.toFixed(0)} s`);
      for (let round = 1; round <= ROUNDS; round++) {
        log(`filled database: round ${round}/${ROUNDS}`);
        await measure('meFull', { url, body: ME, token: (await login(url)).accessToken, connections: CONNECTIONS });
        await measure('loginFull', loginSpec);
        const refreshTokens = await loginMany(url, SESSIONS, C);
        await measure('refreshFull', { url, refreshTokens, connections: Math.min(CONNECTIONS, SESSIONS) });
      }
      // The fill's sessions expired a month ago: `me` at half rate, then again while one retention pass purges them.
      log('retention: me at half rate, then while the job deletes the filled sessions and their refresh tokens');
      const halfSpec: LoadSpec = { url, body: ME, token: (await login(url)).accessToken, connections: CONNECTIONS, overallRate };
      samples.meHalfFull.push((await load({ specs: [halfSpec] }))[0]);
      const purge = server.request<{ removed: Record<string, number>; ms: number }>({ cmd: 'cleanup' });
      samples.meHalfCleanup.push((await load({ specs: [halfSpec], warmup: 0 }))[0]);
      const purged = await purge;
      const rows = Object.entries(purged.removed).map(([table, n]) => `${n} ${table}`).join(', ') || 'nothing';
      growthNotes.push(`cleanup: one retention pass removed ${rows} in ${(purged.ms / 1000).toFixed(1)} s; the during-cleanup row ran in its first ${DURATION} s`);
    }

    printReport(samples, memory, live, [
      `me @ half rate: overallRate ${overallRate} req/s (half the median me throughput), ${CONNECTIONS} connections;` +
        ` logins alongside: ${median(loginsAlongside).toFixed(1)} req/s at concurrency ${C}`,
      `settings: ${ROUNDS} rounds (median), ${WARMUP}s warm-up + ${DURATION}s each, ${CONNECTIONS} connections` +
        ` (login/argon2: ${C}), ${SESSIONS} refresh sessions, argon2id defaults from loadConfig`,
      'peers: Apollo Server 5 on Fastify with defaults and a trivial schema; GraphQL Yoga 5 + @graphql-yoga/plugin-jwt' +
        ' (HS256 KeyObject, issuer/audience checked) whose me runs one prepared better-sqlite3 select on the users table',
      ...growthNotes,
      ...(pgDatabase ? [`me (PostgreSQL): the same server on a fresh database ${redact(pgDatabase.url)}, dropped after the run`] : []),
      ...skipped,
      ...(PROFILE ? [`CPU profile: ${profileDir}/*.cpuprofile (written when the server exits)`] : []),
    ], { liveMore });
  } finally {
    if (server.proc.connected) server.proc.send({ cmd: 'stop' });
    await server.exit(PROFILE ? 30_000 : 10_000);
    killAll();
    await pgDatabase?.drop().catch((err: Error) => log(`could not drop ${redact(pgDatabase!.url)}: ${err.message}`));
  }
}

process.on('exit', () => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
