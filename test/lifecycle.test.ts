import { spawn } from 'node:child_process';
import { Agent } from 'node:http';
import { connectCode, gql, reapAll, ROOT, startServer, survivors, waitExit, waitRefused, type Outcome, type ServerProcess } from './helpers/process';

/** The real process as operators run it: npm scripts, SIGTERM/SIGINT, the drain, exit codes, no orphans. */

const TSX: [string, string[]] = [process.execPath, ['--require', 'tsx/cjs', 'src/index.ts']];
const SECRET = '0123456789abcdefghijklmnopqrstuvwxyzABCD'; // 40 bytes
// One argon2 verify takes ~1.5–3 s on this 2-core machine: a login still running when the signal arrives.
const SLOW = { ARGON2_MEMORY_KIB: '262144', ARGON2_TIME_COST: '4' };
// ~3.5–5 s: still hashing past every bound below, so an exit cannot pass by waiting for the hash to end.
const SLOWER = { ARGON2_MEMORY_KIB: '262144', ARGON2_TIME_COST: '10' };
const REGISTER = `mutation($input: RegisterInput!){ register(input:$input){ accessToken } }`;
const LOGIN = `mutation($input: LoginInput!){ login(input:$input){ accessToken } }`;
const ALICE = { input: { username: 'alice', password: 'correct horse battery' } };
// An unknown user costs a full verify against the dummy hash: a slow login without registering first.
const NOBODY = { input: { username: 'nobody', password: 'correct horse battery' } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const agents: Agent[] = [];
/** Like a browser or a proxy's upstream pool: holds idle connections with no timeout of its own. */
const keepAliveAgent = () => agents[agents.push(new Agent({ keepAlive: true })) - 1];
/** Marks when a request settles, to check it was still in flight at some point. */
const tracked = (request: Promise<Outcome>) => {
  const state: { settled: boolean; outcome: Promise<Outcome> } = { settled: false, outcome: request };
  state.outcome = request.then((o) => ((state.settled = true), o));
  return state;
};

let build: Promise<{ code: number | null; output: string }>;
function runBuild(): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (err) => done({ code: null, output: String(err) }));
    child.on('exit', (code) => done({ code, output }));
  });
}

beforeAll(() => {
  // tsc takes ~25 s here: compile dist/ while the tests that do not need it run.
  build = runBuild();
});

afterAll(async () => {
  for (const agent of agents) agent.destroy();
  await build;
  const killed = await reapAll();
  if (killed.length) throw new Error(`processes outlived their test and were killed: ${killed.join('; ')}`);
});

/** SIGTERM to the npm process with an idle keep-alive connection open: the whole tree exits 0, well before SHUTDOWN_TIMEOUT. */
async function expectPromptStop(server: ServerProcess): Promise<void> {
  const agent = keepAliveAgent();
  expect(await gql(server.port, '{ __typename }', {}, agent)).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
  expect(Object.values(agent.freeSockets).flat()).toHaveLength(1); // idle, and still open
  expect(server.pids.length).toBeGreaterThanOrEqual(2); // npm and the node that its shell became
  server.child.kill('SIGTERM');
  // SHUTDOWN_TIMEOUT is 10 s: an idle connection must not hold the drain.
  expect(await waitExit(server, 5000)).toMatchObject({ code: 0, signal: null });
  expect(await survivors(server.pids)).toEqual([]);
  expect(await connectCode(server.port)).toBe('ECONNREFUSED');
}

describe('process lifecycle', () => {
  it('npm start: SIGTERM to npm ends the whole tree at once, exit 0', async () => {
    await expectPromptStop(await startServer('npm', ['start'], { SHUTDOWN_TIMEOUT: '10' }));
  }, 60_000);

  it('npm start: Ctrl-C (SIGINT to the group, then forwarded by npm) is one stop that lets a slow login finish', async () => {
    const server = await startServer('npm', ['start'], { ...SLOW, SHUTDOWN_TIMEOUT: '10' }, true);
    const login = tracked(gql(server.port, LOGIN, NOBODY));
    await sleep(300);
    process.kill(-server.child.pid!, 'SIGINT'); // what the terminal does: npm and node each get it, and npm forwards its own
    // The drain answers it (200 with a BAD_CREDENTIALS error) instead of exiting 130 on the forwarded copy.
    expect(await login.outcome).toMatchObject({ status: 200 });
    expect(await waitExit(server, 3000)).toMatchObject({ code: 0, signal: null });
    expect(await survivors(server.pids)).toEqual([]);
  }, 60_000);

  it('SIGTERM during a slow login: new connections are refused, the login completes, exit 0 soon after', async () => {
    const server = await startServer(...TSX, { ...SLOW, SHUTDOWN_TIMEOUT: '10' });
    expect(await gql(server.port, REGISTER, ALICE)).toMatchObject({ status: 200, body: { data: { register: { accessToken: expect.any(String) } } } });
    const login = tracked(gql(server.port, LOGIN, ALICE, keepAliveAgent()));
    await sleep(300);
    server.child.kill('SIGTERM');
    expect(await waitRefused(server.port, 1000)).toBe('ECONNREFUSED');
    expect(login.settled).toBe(false); // refused while the login was still running
    expect(await login.outcome).toMatchObject({ status: 200, body: { data: { login: { accessToken: expect.any(String) } } } });
    // Its keep-alive connection is idle from here on: nothing is left to wait for, SHUTDOWN_TIMEOUT (10 s) is not the bound.
    expect(await waitExit(server, 2000)).toMatchObject({ code: 0, signal: null });
  }, 60_000);

  it('a second SIGTERM more than 300 ms into the drain ends the process at once, killed by that signal', async () => {
    const server = await startServer(...TSX, { ...SLOWER, SHUTDOWN_TIMEOUT: '10' });
    const login = tracked(gql(server.port, LOGIN, NOBODY));
    await sleep(300);
    server.child.kill('SIGTERM');
    await sleep(500);
    expect([login.settled, server.child.exitCode]).toEqual([false, null]); // still draining: the second signal means "now"
    server.child.kill('SIGTERM');
    // Not a clean exit: the default action of the signal, which does not wait for the running hash.
    expect(await waitExit(server, 1000)).toMatchObject({ code: null, signal: 'SIGTERM' });
    await login.outcome;
  }, 60_000);

  it('SHUTDOWN_TIMEOUT=1 cuts a login that runs longer, then exits 0', async () => {
    const server = await startServer(...TSX, { ...SLOWER, SHUTDOWN_TIMEOUT: '1' });
    const login = tracked(gql(server.port, LOGIN, NOBODY));
    await sleep(200);
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    // The client is cut at the timeout, long before its multi-second login would have finished.
    expect(await login.outcome).not.toMatchObject({ status: 200 });
    expect(Date.now() - signalled).toBeLessThan(1000 + 800);
    // Exit waits at most for the hash already running on libuv's pool (seconds here, ~25 ms at the default cost).
    expect(await waitExit(server, 20_000)).toMatchObject({ code: 0, signal: null });
  }, 60_000);

  it('npm run start:prod (compiled, NODE_ENV=production): SIGTERM to npm ends the whole tree at once, exit 0', async () => {
    expect(await build).toMatchObject({ code: 0 });
    await expectPromptStop(await startServer('npm', ['run', 'start:prod'], { NODE_ENV: 'production', JWT_SECRET: SECRET, SHUTDOWN_TIMEOUT: '10' }));
  }, 120_000);
});
