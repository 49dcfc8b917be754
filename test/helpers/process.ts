import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request, type Agent } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Real server processes for lifecycle tests: spawn, readiness, the process tree, bounded exits. */
export const ROOT = resolve(__dirname, '../..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when the process exited. */
  at: number;
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  dataDir: string;
  /** Every PID of the process tree, taken once the server answered. */
  pids: number[];
  exited: Promise<Exit>;
  log(): string;
}

/** A request's outcome; never rejects, so a cut request is a value to assert on. */
export type Outcome = { status: number; body: any } | { error: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const started = new Set<ServerProcess>();

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    });
  });
}

/** Runs command in the repo root on a free port and a fresh DATA_DIR; resolves once /healthz answers. */
export async function startServer(command: string, args: string[], env: Record<string, string> = {}, detached = false): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'tokengate-lifecycle-'));
  // Only what npm and node need from outside: a stray DATABASE_URL or JWT_SECRET in the caller's shell must not leak in.
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), TMPDIR: tmpdir() };
  const child = spawn(command, args, {
    cwd: ROOT,
    detached,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...base, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info',
      ARGON2_MEMORY_KIB: '4096', ARGON2_TIME_COST: '1', ...env,
    },
  });
  let output = '';
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-16_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<Exit>((r) => child.once('exit', (code, signal) => r({ code, signal, at: Date.now() })));
  const server: ServerProcess = { child, port, dataDir, pids: [], exited, log: () => output };
  started.add(server);
  for (const deadline = Date.now() + 30_000; ; await sleep(100)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${command} exited (${child.exitCode ?? child.signalCode}) before ready:\n${output}`);
    const health = await send(port, 'GET', '/healthz');
    if ('status' in health && health.status === 200) break;
    if (Date.now() > deadline) throw new Error(`${command} not ready after 30 s:\n${output}`);
  }
  server.pids = processTree(child.pid!);
  return server;
}

/** The PID and all its descendants, from the ppid field of /proc/<pid>/stat. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]); // comm may hold spaces and parentheses
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone while we read
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

/** Alive and not a zombie: an orphan's zombie waits for a reaper, which a container's PID 1 may never be. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The PIDs still alive after up to ms (an orphan's zombie is reaped by init a moment after its parent exits). */
export async function survivors(pids: number[], ms = 500): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(25);
  return pids.filter(isAlive);
}

/** SIGKILLs whatever is left of the server's tree: cleanup only, the caller fails the test. */
function kill(server: ServerProcess): number[] {
  const left = [...new Set([...server.pids, ...(server.child.exitCode === null ? processTree(server.child.pid!) : [])])].filter(isAlive);
  for (const pid of left) process.kill(pid, 'SIGKILL');
  return left;
}

/** Resolves with the exit, or kills the tree and throws if the server outlives ms. */
export async function waitExit(server: ServerProcess, ms: number): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([server.exited, new Promise<null>((r) => (timer = setTimeout(() => r(null), ms)))]);
  clearTimeout(timer);
  if (exit) return exit;
  const killed = kill(server);
  throw new Error(`pid ${server.child.pid} still running ${ms} ms later; killed ${killed.join(', ')}\n${server.log()}`);
}

/** Kills every server still running and removes the data folders; returns what had to be killed. */
export async function reapAll(): Promise<string[]> {
  const killed: string[] = [];
  for (const server of started) {
    const left = kill(server);
    if (left.length) killed.push(`pids ${left.join(', ')} of ${server.child.spawnfile} on port ${server.port}`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([server.exited, new Promise((r) => (timer = setTimeout(r, 2000)))]);
    clearTimeout(timer);
    rmSync(server.dataDir, { recursive: true, force: true });
  }
  started.clear();
  return killed;
}

/** One HTTP request to 127.0.0.1:port; agent false (the default) opens a fresh connection that closes after it. */
export function send(port: number, method: string, path: string, json?: unknown, agent: Agent | false = false): Promise<Outcome> {
  return new Promise((done) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers: json === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => done({ status: res.statusCode!, body: text.startsWith('{') ? JSON.parse(text) : text }));
      res.on('error', (err: NodeJS.ErrnoException) => done({ error: err.code ?? err.message }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => done({ error: err.code ?? err.message }));
    req.end(json === undefined ? undefined : JSON.stringify(json));
  });
}

export const gql = (port: number, query: string, variables: Record<string, unknown> = {}, agent: Agent | false = false) =>
  send(port, 'POST', '/graphql', { query, variables }, agent);

/** Opens a TCP connection: 'connected', or the error code (ECONNREFUSED once nothing listens). */
export function connectCode(port: number): Promise<string> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}

/** Polls until new connections are refused; the last code seen. */
export async function waitRefused(port: number, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  let code = await connectCode(port);
  while (code !== 'ECONNREFUSED' && Date.now() < deadline) {
    await sleep(25);
    code = await connectCode(port);
  }
  return code;
}
