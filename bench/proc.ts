import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const live = new Set<ChildProcess>();
/** Children run from the repository root, so `--import tsx` and `bench/…` paths resolve however npm was started. */
const ROOT = resolve(__dirname, '..');

/** A TypeScript child (`node --import tsx`) pinned to one core, talking JSON lines on stdout and IPC. */
export class Child {
  readonly proc: ChildProcess;
  private readonly lines: string[] = [];
  private wake?: () => void;
  private readonly exited: Promise<never>;

  constructor(readonly script: string, core: number, opts: { env?: NodeJS.ProcessEnv; args?: string[]; nodeArgs?: string[] } = {}) {
    const argv = ['-c', String(core), process.execPath, ...(opts.nodeArgs ?? []), '--require', 'tsx/cjs', script, ...(opts.args ?? [])];
    this.proc = spawn('taskset', argv, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env: opts.env ?? process.env, cwd: ROOT });
    live.add(this.proc);
    this.exited = new Promise<never>((_, reject) =>
      this.proc.once('exit', (code, signal) => {
        live.delete(this.proc);
        reject(new Error(`${script} exited (${signal ?? code})`));
      }),
    );
    this.exited.catch(() => undefined);
    createInterface({ input: this.proc.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return void process.stderr.write(`[${script}] ${line}\n`);
      this.lines.push(line);
      this.wake?.();
    });
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** The next JSON line the child prints on stdout. */
  async json<T>(): Promise<T> {
    while (!this.lines.length) await Promise.race([new Promise<void>((r) => (this.wake = r)), this.exited]);
    return JSON.parse(this.lines.shift()!) as T;
  }

  /** The next IPC message the child sends on its own. */
  async message<T>(): Promise<T> {
    const [answer] = await Promise.race([once(this.proc, 'message'), this.exited]);
    return answer as T;
  }

  /** Sends one IPC message and waits for the reply (one request at a time). */
  async request<T>(message: object): Promise<T> {
    const reply = once(this.proc, 'message');
    this.proc.send(message);
    const [answer] = await Promise.race([reply, this.exited]);
    return answer as T;
  }

  /** Waits up to ms for the child to exit on its own, then kills it. */
  async exit(ms: number): Promise<void> {
    if (!live.has(this.proc)) return;
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), ms);
    await this.exited.catch(() => undefined);
    clearTimeout(timer);
  }
}

/** Kills every child still running; safe to call from an 'exit' handler. */
export function killAll(): void {
  for (const proc of live) proc.kill('SIGKILL');
}

/** Children die with the orchestrator: IPC disconnects when it exits, however it exits. */
export function exitOnDisconnect(): void {
  process.on('disconnect', () => process.exit(0));
}

/** Answers {cmd:'cpu'} with this process's CPU time so far (user + system, µs): the bench's per-request cost on a busy machine. */
export function answerCpu(): void {
  process.on('message', (msg: { cmd?: string }) => {
    if (msg.cmd !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.send!({ cpu: user + system });
  });
}
