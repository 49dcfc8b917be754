import { readdirSync, readFileSync } from 'node:fs';
import { pbkdf2 } from 'node:crypto';
import { availableParallelism, setPriority } from 'node:os';

/** The nice value given to the thread pool's threads: the event loop wins the core when both want it. */
const POOL_NICE = 10;
/** Enough work per job to show in a thread's CPU time (counted in 10 ms ticks). */
const PROBE_ITERATIONS = 60_000;

/** CPU ticks (user + system) of each thread of this process. */
function ticks(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      out.set(tid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

let done: Promise<number> | undefined;

/**
 * Where the process has one core (Linux): lowers the CPU priority of libuv's thread-pool threads, so password
 * hashing cannot take half of that core from the event loop that answers token checks. The pool's threads are
 * the ones that run a burst of pool work (they are all named "node"). Once per process; answers how many threads
 * were lowered (0 elsewhere, or where the system refuses).
 */
export function lowerThreadPoolPriority(): Promise<number> {
  return (done ??= (async () => {
    if (process.platform !== 'linux' || availableParallelism() !== 1) return 0;
    const size = Math.max(1, Number(process.env.UV_THREADPOOL_SIZE) || 4);
    const before = ticks();
    await Promise.all(Array.from({ length: size }, () => new Promise((resolve) => pbkdf2('probe', 'salt', PROBE_ITERATIONS, 32, 'sha256', resolve))));
    let lowered = 0;
    for (const [tid, now] of ticks()) {
      if (Number(tid) === process.pid || now - (before.get(tid) ?? 0) < 1) continue;
      try {
        // On Linux a thread id names that one thread (the nice value is per thread).
        setPriority(Number(tid), POOL_NICE);
        lowered++;
      } catch {
        // Not allowed here (a container's seccomp profile): the loop and the pool share the core as before.
      }
    }
    return lowered;
  })());
}
