import { freshDatabase } from '../../helpers/database';
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, gql, ROOT } from '../../helpers/process';
import { TestSmtp } from '../../helpers/smtp';

/** Two real processes on one PostgreSQL database sending one outbox: each request's mail goes out once. */
const describePg = process.env.TEST_DATABASE_URL ? describe : describe.skip;
jest.setTimeout(180_000);

const SECRET = '0123456789abcdefghijklmnopqrstuvwxyzABCD';
const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { sessionId } }`;
const REQUEST_RESET = `mutation ($email: String!) { requestPasswordReset(email: $email) }`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Instance {
  port: number;
  child: ChildProcess;
  exited: Promise<void>;
  log(): string;
}

/** `src/index.ts` as a process, ready once /readyz answers (a loaded machine may take a while to start tsx). */
async function startInstance(env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/index.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ARGON2_MEMORY_KIB: '4096', ARGON2_TIME_COST: '1', ...env },
  });
  let output = '';
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-8000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  for (const deadline = Date.now() + 150_000; ; await sleep(200)) {
    if (child.exitCode !== null) throw new Error(`instance exited (${child.exitCode}):\n${output}`);
    const status = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0);
    if (status === 200) break;
    if (Date.now() > deadline) throw new Error(`instance not ready after 150 s:\n${output}`);
  }
  return { port, child, exited, log: () => output };
}

describePg('mail from two instances on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let smtp: TestSmtp;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    db = await freshDatabase();
    smtp = await TestSmtp.start();
    const env = { NODE_ENV: 'test', JWT_SECRET: SECRET, DATABASE_URL: db.url, SMTP_URL: smtp.url, MAIL_POLL_INTERVAL: '1', RATE_REGISTER_IP_MAX: '1000', RATE_EMAIL_IP_MAX: '1000', PUBLIC_URL: 'http://app.test' };
    a = await startInstance(env);
    b = await startInstance(env); // after A: A created the schema
  });

  afterAll(async () => {
    for (const s of [a, b].filter(Boolean)) {
      s.child.kill('SIGTERM');
      const killer = setTimeout(() => s.child.kill('SIGKILL'), 15_000);
      await s.exited;
      clearTimeout(killer);
    }
    await smtp?.stop();
    await db?.drop();
  });

  it('one mail per request, whichever instance took it and however the two workers race', async () => {
    const people = ['person0', 'person1', 'person2', 'person3', 'person4', 'person5'];
    const registered = await Promise.all(people.map((p, i) => gql((i % 2 ? b : a).port, REGISTER, { input: { username: p, password: 'correct horse battery', email: `${p}@example.com` } })));
    for (const outcome of registered) expect(outcome).toMatchObject({ status: 200, body: { data: { register: { sessionId: expect.any(String) } } } });
    // Twelve requests at once, alternating instances: both workers wake and claim from the same outbox.
    const requests = people.flatMap((p) => [p, p]).map((p, i) => gql((i % 2 ? a : b).port, REQUEST_RESET, { email: `${p}@example.com` }));
    for (const outcome of await Promise.all(requests)) expect(outcome).toMatchObject({ status: 200, body: { data: { requestPasswordReset: true } } });
    await smtp.waitFor(18, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\nA:\n${a.log()}\nB:\n${b.log()}`);
    });
    await sleep(3000); // both instances poll every second: a double send would show up by now
    expect(smtp.mails).toHaveLength(18);
    expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(18);
    for (const p of people) {
      expect(smtp.to(`${p}@example.com`).map((m) => m.subject).sort()).toEqual(['Confirm your e-mail address', 'Reset your password', 'Reset your password']);
    }
  });
});
