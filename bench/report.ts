import os from 'node:os';
import { combine, type Measured } from './stats';
import type { LiveFigures } from './live';

export const ROWS = {
  bare: 'bare node:http',
  apolloFastify: 'Apollo on Fastify { __typename }',
  baseline: 'baseline { __typename }',
  me: 'me',
  meToken: 'me (API token)',
  meDpop: 'me (DPoP)',
  meMfa: 'me (second factor)',
  yogaMe: 'Yoga + plugin-jwt me',
  login: 'login',
  argon2: 'argon2.verify (bare)',
  refresh: 'refreshToken',
  meHalf: 'me @ half rate',
  meHalfLogins: 'me @ half rate + logins',
  mePg: 'me (PostgreSQL)',
  meFull: 'me, filled database',
  refreshFull: 'refreshToken, filled database',
  loginFull: 'login, filled database',
  meHalfFull: 'me @ half rate, filled database',
  meHalfCleanup: 'me @ half rate during cleanup',
} as const;
export type Row = keyof typeof ROWS;

export interface Memory {
  before: number;
  after: number;
  requests: number;
  errors: number;
}

/** Taken when the module loads, i.e. when the run starts. */
const loadAtStart = os.loadavg();
/** Width of the scenario column. */
const WIDTH = Math.max(...Object.values(ROWS).map((name) => name.length));

const num = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/** The optional parts: live p99 with more sockets open (BENCH_LIVE_SOCKETS_MORE), rows measured on a filled database (BENCH_GROWTH). */
export interface Extra {
  liveMore?: LiveFigures;
}

export function printReport(samples: Record<Row, Measured[]>, memory: Memory, live: LiveFigures, notes: string[], extra: Extra = {}): void {
  const r = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, combine(v)])) as Record<Row, Measured>;
  // Every row is listed; one a setting skipped says so (the notes say which setting).
  const rows = Object.keys(ROWS) as Row[];
  const out: string[] = [];
  const line = (cells: string[]) => out.push(`| ${cells[0].padEnd(WIDTH)} | ${cells.slice(1).map((c) => c.padStart(9)).join(' | ')} |`);
  line(['scenario', 'median ms', 'p99 ms', 'req/s', 'errors']);
  out.push(`|${'-'.repeat(WIDTH + 2)}|${Array(4).fill('-'.repeat(10) + ':').join('|')}|`);
  for (const row of rows) {
    const m = r[row];
    if (samples[row].length) line([ROWS[row], num(m.median, 2), num(m.p99, 2), num(m.rps, 0), String(m.errors)]);
    else line([ROWS[row], 'skipped', '', '', '']);
  }
  out.push('', 'req/s by round (noise check):');
  for (const row of rows) if (samples[row].length) out.push(`  ${ROWS[row].padEnd(WIDTH)} ${samples[row].map((m) => num(m.rps, 0)).join(' / ')}`);
  const growth = ((memory.after - memory.before) / memory.before) * 100;
  const ratios: Array<[string, number, string]> = [
    ['me / Yoga + plugin-jwt me throughput', r.me.rps / r.yogaMe.rps, '>= 2.5'],
    ['baseline / Apollo on Fastify throughput', r.baseline.rps / r.apolloFastify.rps, '>= 0.75'],
    ['me / baseline throughput', r.me.rps / r.baseline.rps, '>= 0.75'],
    ['me API token / me JWT throughput', r.meToken.rps / r.me.rps, '>= 0.8'],
    ['me DPoP / me bearer throughput', r.meDpop.rps / r.me.rps, '>= 0.6'],
    ['me second factor / me password throughput', r.meMfa.rps / r.me.rps, 'none (reported; claims only)'],
    ['refreshToken / me throughput', r.refresh.rps / r.me.rps, '>= 0.2'],
    ['login / bare argon2.verify throughput', r.login.rps / r.argon2.rps, '>= 0.85'],
    ['me p99 under logins / me p99 alone', r.meHalfLogins.p99 / r.meHalf.p99, '<= 3'],
    [`RSS growth after ${memory.requests} me requests (%)`, growth, '<= 10'],
    ['baseline / bare node:http throughput', r.baseline.rps / r.bare.rps, 'none (reference)'],
    [`KiB per idle authenticated socket (${live.sockets} open)`, live.bytesPerSocket / 1024, '< 50'],
    [`addToCart → cartChanged p99 ms (${live.sockets} sockets)`, live.p99, '< 50'],
    ['me PostgreSQL / me SQLite throughput', r.mePg.rps / r.me.rps, 'none (reported)'],
    ['me filled / me empty database throughput', r.meFull.rps / r.me.rps, '>= 0.9'],
    ['refreshToken filled / empty database', r.refreshFull.rps / r.refresh.rps, '>= 0.9'],
    ['login filled / empty database', r.loginFull.rps / r.login.rps, 'none (reported)'],
    ['me p99 during cleanup / me p99 before it', r.meHalfCleanup.p99 / r.meHalfFull.p99, '<= 1.5'],
    [`cartChanged p99 ${extra.liveMore?.sockets ?? 'more'} / ${live.sockets} sockets`, extra.liveMore ? extra.liveMore.p99 / live.p99 : NaN, 'none (reported)'],
  ];
  out.push('', 'ratios (value, target):');
  for (const [name, value, target] of ratios) out.push(`  ${name.padEnd(46)} ${num(value, 2).padStart(8)}   target ${target}`);
  out.push(
    '',
    `live: ${live.sockets} idle authenticated sockets hold ${num(live.bytesPerSocket / 1024, 1)} KiB each (heap + external after a forced GC);`,
    `  addToCart sent → cartChanged received: p50 ${num(live.p50, 2)} ms, p99 ${num(live.p99, 2)} ms over ${live.delays.length} changes` +
      ` (after the mutation's answer: p50 ${num(live.afterAnswer.p50, 2)} ms, p99 ${num(live.afterAnswer.p99, 2)} ms)`,
  );
  const more = extra.liveMore;
  if (more) {
    out.push(
      `  with ${more.sockets} sockets (${num(more.bytesPerSocket / 1024, 1)} KiB each): p50 ${num(more.p50, 2)} ms, p99 ${num(more.p99, 2)} ms` +
        ` (after the answer: p50 ${num(more.afterAnswer.p50, 2)} ms, p99 ${num(more.afterAnswer.p99, 2)} ms)`,
    );
  }
  out.push('', `server RSS: ${mib(memory.before)} after warm-up, ${mib(memory.after)} after ${memory.requests} me requests (${memory.errors} errors)`);
  out.push(...notes);
  const cpus = os.cpus();
  out.push('', `machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}, ${new Date().toISOString()}`);
  out.push(`load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}, at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on the machine skews results)`);
  console.log(out.join('\n'));
}
