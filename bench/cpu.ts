// npm run bench:cpu: the server's CPU time per request (process.cpuUsage over N requests at low concurrency), which
// stays meaningful on a machine other work keeps busy, where throughput does not. BENCH_PROFILE=1 adds --cpu-prof;
// BENCH_GROWTH=1 measures me, refreshToken and login again after filling the database (bench/fill.ts).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon, { type Request } from 'autocannon';
import { LOGIN, ME, TYPENAME, createApiToken, login, loginMany, loginWithProof, refreshBody, register } from './gql';
import { dpopSigner, newDpopKey } from './dpop';
import { fillDatabase } from './fill';
import { benchEnv } from './env';
import { Child, killAll } from './proc';
import { median } from './stats';

const int = (name: string, fallback: number) => Math.max(1, Number.parseInt(process.env[name] ?? '', 10) || fallback);
const N = int('BENCH_CPU_REQUESTS', 4000);
const ROUNDS = int('BENCH_CPU_ROUNDS', 7);
const CONNECTIONS = int('BENCH_CPU_CONNECTIONS', 4);
const PROFILE = process.env.BENCH_PROFILE === '1';
const ONLY = process.env.BENCH_CPU_ONLY?.split(',');
const GROWTH = process.env.BENCH_GROWTH === '1';
const FILL = { accounts: int('BENCH_FILL_ACCOUNTS', 1_000_000), sessions: int('BENCH_FILL_SESSIONS', 1_000_000), auditEvents: int('BENCH_FILL_AUDIT', 5_000_000) };
const LOGINS = int('BENCH_CPU_LOGINS', 40);
/** Another checkout (with its node_modules) whose app runs beside this one, for before/after rows in one run. */
const COMPARE = process.env.BENCH_CPU_COMPARE;

const dir = mkdtempSync(join(tmpdir(), 'tokengate-cpu-'));
const log = (msg: string) => process.stderr.write(`[bench:cpu] ${msg}\n`);

/** `amount` requests; with `prove`, each carries a fresh DPoP proof and the token goes as `DPoP`. */
function send(url: string, body: string, token: string | undefined, amount: number, prove?: (htm: string, htu: string, token?: string) => string): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `${prove ? 'DPoP' : 'Bearer'} ${token}` } : {}) };
  let failed = 0;
  const setupRequest = prove ? (req: Request) => ({ ...req, headers: { ...headers, dpop: prove('POST', url, token) } }) : undefined;
  return new Promise((done, fail) =>
    autocannon(
      { url, connections: Math.min(CONNECTIONS, amount), pipelining: 1, amount, requests: [{ method: 'POST', headers, body, ...(setupRequest ? { setupRequest } : {}), onResponse: (status, text) => void ((status >= 300 || text.includes('"errors"')) && failed++) }] },
      (err, res) => (err ? fail(err) : done(failed + res.errors + res.timeouts)),
    ),
  );
}

/** n refreshToken rotations over the given sessions, one request per session at a time; answers the failures. */
async function rotate(url: string, tokens: string[], n: number): Promise<number> {
  let left = n;
  let failed = 0;
  await Promise.all(
    tokens.map(async (_, i) => {
      while (left-- > 0) {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: refreshBody(tokens[i]) });
        const next = ((await res.json()) as { data?: { refreshToken?: { refreshToken: string } } }).data?.refreshToken?.refreshToken;
        if (next) tokens[i] = next;
        else failed++;
      }
    }),
  );
  return failed;
}

interface Row {
  name: string;
  child: Child;
  /** Sends the row's requests; resolves with the failures. */
  run(n: number): Promise<number>;
  n: number;
}

async function main(): Promise<void> {
  const env = benchEnv(dir, process.env.BENCH_DATABASE_URL);
  const profileDir = resolve(__dirname, 'profiles');
  if (PROFILE) mkdirSync(profileDir, { recursive: true });
  const prof = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const server = new Child('bench/server.ts', 0, { env, nodeArgs: prof });
  const peer = new Child('bench/apollo-fastify.ts', 0, { env });
  const other = COMPARE ? new Child('bench/server.ts', 0, { env: { ...benchEnv(join(dir, 'compare')), BENCH_APP_ROOT: resolve(COMPARE) } }) : undefined;
  try {
    const url = (await server.json<{ url: string }>()).url;
    const peerUrl = (await peer.json<{ url: string }>()).url;
    await register(url);
    const token = (await login(url)).accessToken;
    const apiToken = await createApiToken(url, token);
    const prove = dpopSigner(newDpopKey());
    const bound = (await loginWithProof(url, prove('POST', url))).accessToken;
    const otherUrl = other ? (await other.json<{ url: string }>()).url : undefined;
    const otherToken = otherUrl ? ((await register(otherUrl)), (await login(otherUrl)).accessToken) : undefined;
    const all: Row[] = [
      { name: 'Apollo on Fastify { __typename }', child: peer, n: N, run: (n) => send(peerUrl, TYPENAME, undefined, n) },
      { name: '{ __typename }', child: server, n: N, run: (n) => send(url, TYPENAME, undefined, n) },
      { name: 'me', child: server, n: N, run: (n) => send(url, ME, token, n) },
      { name: 'me (API token)', child: server, n: N, run: (n) => send(url, ME, apiToken, n) },
      { name: 'me (DPoP)', child: server, n: N, run: (n) => send(url, ME, bound, n, prove) },
      ...(other && otherUrl
        ? [
            { name: `{ __typename } (${COMPARE})`, child: other, n: N, run: (n: number) => send(otherUrl, TYPENAME, undefined, n) },
            { name: `me (${COMPARE})`, child: other, n: N, run: (n: number) => send(otherUrl, ME, otherToken, n) },
          ]
        : []),
    ];
    const rows = all.filter((r) => !ONLY || ONLY.some((o) => r.name.includes(o)));
    const figures = new Map<string, number[]>();
    await measure(rows, figures);
    if (GROWTH) {
      const sessions = await loginMany(url, CONNECTIONS, CONNECTIONS);
      const growthRows = (label: string, fresh: string): Row[] => [
        { name: `me${label}`, child: server, n: N, run: (n) => send(url, ME, fresh, n) },
        { name: `refreshToken${label}`, child: server, n: N / 4, run: (n) => rotate(url, sessions, n) },
        { name: `login${label}`, child: server, n: LOGINS, run: (n) => send(url, LOGIN, undefined, n) },
      ];
      await measure(growthRows(', empty database', (await login(url)).accessToken), figures);
      const dbFile = (env.DATABASE_URL ?? '').replace(/^sqlite:/, '');
      const seconds = await fillDatabase(dbFile, FILL, 1);
      log(`filled in ${seconds.toFixed(0)} s`);
      await measure(growthRows(', filled database', (await login(url)).accessToken), figures);
      fillNote = `filled database: ${FILL.accounts} accounts, ${FILL.sessions} sessions, ${FILL.auditEvents} audit events, written in ${seconds.toFixed(0)} s`;
    }
    console.log(`| request | CPU µs per request (median of ${ROUNDS}) | rounds |`);
    console.log('|---|---:|---|');
    for (const [name, values] of figures) console.log(`| ${name} | ${median(values).toFixed(1)} | ${values.map((v) => v.toFixed(0)).join(' / ')} |`);
    if (fillNote) console.log(`\n${fillNote}`);
    console.log(`\nNode ${process.version}, ${N} requests × ${ROUNDS} rounds per row at ${CONNECTIONS} connections; server CPU from process.cpuUsage()`);
  } finally {
    if (other?.proc.connected) other.proc.send({ cmd: 'stop' });
    if (server.proc.connected) server.proc.send({ cmd: 'stop' });
    await server.exit(PROFILE ? 30_000 : 10_000);
    killAll();
  }
}

process.on('exit', () => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});
let fillNote = '';

/** Interleaved rounds over the rows, after one warm-up pass; pushes µs of server CPU per request into figures. */
async function measure(rows: Row[], figures: Map<string, number[]>): Promise<void> {
  const cpu = async (child: Child) => (await child.request<{ cpu: number }>({ cmd: 'cpu' })).cpu;
  for (const row of rows) {
    figures.set(row.name, []);
    await row.run(Math.ceil(row.n / 2)); // warm-up: JIT, caches
  }
  for (let round = 1; round <= ROUNDS; round++) {
    log(`round ${round}/${ROUNDS}: ${rows.map((r) => r.name).join(', ')}`);
    for (const row of rows) {
      const before = await cpu(row.child);
      const errors = await row.run(row.n);
      const used = (await cpu(row.child)) - before;
      if (errors) throw new Error(`${row.name}: ${errors} failed requests`);
      figures.get(row.name)!.push(used / row.n);
    }
  }
}

main().catch((err) => {
  process.stderr.write(`bench:cpu failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
