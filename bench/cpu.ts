// npm run bench:cpu: the server's CPU time per request (process.cpuUsage over N requests at low concurrency), which
// stays meaningful on a machine other work keeps busy, where throughput does not. BENCH_PROFILE=1 adds --cpu-prof.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { ME, TYPENAME, createApiToken, login, register } from './gql';
import { benchEnv } from './env';
import { Child, killAll } from './proc';
import { median } from './stats';

const int = (name: string, fallback: number) => Math.max(1, Number.parseInt(process.env[name] ?? '', 10) || fallback);
const N = int('BENCH_CPU_REQUESTS', 4000);
const ROUNDS = int('BENCH_CPU_ROUNDS', 7);
const CONNECTIONS = int('BENCH_CPU_CONNECTIONS', 4);
const PROFILE = process.env.BENCH_PROFILE === '1';
const ONLY = process.env.BENCH_CPU_ONLY?.split(',');

const dir = mkdtempSync(join(tmpdir(), 'tokengate-cpu-'));
const log = (msg: string) => process.stderr.write(`[bench:cpu] ${msg}\n`);

function send(url: string, body: string, token: string | undefined, amount: number): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  let failed = 0;
  return new Promise((done, fail) =>
    autocannon(
      { url, connections: CONNECTIONS, pipelining: 1, amount, requests: [{ method: 'POST', headers, body, onResponse: (status, text) => void ((status >= 300 || text.includes('"errors"')) && failed++) }] },
      (err, res) => (err ? fail(err) : done(failed + res.errors + res.timeouts)),
    ),
  );
}

async function main(): Promise<void> {
  const env = benchEnv(dir, process.env.BENCH_DATABASE_URL);
  const profileDir = resolve(__dirname, 'profiles');
  if (PROFILE) mkdirSync(profileDir, { recursive: true });
  const prof = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const server = new Child('bench/server.ts', 0, { env, nodeArgs: prof });
  const peer = new Child('bench/apollo-fastify.ts', 0, { env });
  try {
    const url = (await server.json<{ url: string }>()).url;
    const peerUrl = (await peer.json<{ url: string }>()).url;
    await register(url);
    const token = (await login(url)).accessToken;
    const apiToken = await createApiToken(url, token);
    const rows = [
      { name: 'Apollo on Fastify { __typename }', child: peer, url: peerUrl, body: TYPENAME, token: undefined },
      { name: '{ __typename }', child: server, url, body: TYPENAME, token: undefined },
      { name: 'me', child: server, url, body: ME, token },
      { name: 'me (API token)', child: server, url, body: ME, token: apiToken },
    ].filter((r) => !ONLY || ONLY.some((o) => r.name.includes(o)));
    const cpu = async (child: Child) => (await child.request<{ cpu: number }>({ cmd: 'cpu' })).cpu;
    const figures = new Map<string, number[]>(rows.map((r) => [r.name, []]));
    for (const row of rows) await send(row.url, row.body, row.token, N); // warm-up: JIT, caches
    for (let round = 1; round <= ROUNDS; round++) {
      log(`round ${round}/${ROUNDS}: ${N} requests per row, ${CONNECTIONS} connections`);
      for (const row of rows) {
        const before = await cpu(row.child);
        const errors = await send(row.url, row.body, row.token, N);
        const used = (await cpu(row.child)) - before;
        if (errors) throw new Error(`${row.name}: ${errors} failed requests`);
        figures.get(row.name)!.push(used / N);
      }
    }
    console.log(`| request | CPU µs per request (median of ${ROUNDS}) | rounds |`);
    console.log('|---|---:|---|');
    for (const [name, values] of figures) console.log(`| ${name} | ${median(values).toFixed(1)} | ${values.map((v) => v.toFixed(0)).join(' / ')} |`);
    console.log(`\nNode ${process.version}, ${N} requests × ${ROUNDS} rounds per row at ${CONNECTIONS} connections; server CPU from process.cpuUsage()`);
  } finally {
    if (server.proc.connected) server.proc.send({ cmd: 'stop' });
    await server.exit(PROFILE ? 30_000 : 10_000);
    killAll();
  }
}

process.on('exit', () => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});
main().catch((err) => {
  process.stderr.write(`bench:cpu failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
