import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often the event loop's utilisation is sampled, and above which share it counts as saturated. */
const SAMPLE_MS = 20;
const SATURATED = 0.85;
/** A job never waits longer than this in all: logins slow down under load, they never stop. */
const MAX_WAIT_MS = 50;
const STEP_MS = 5;

/**
 * Tells background CPU work (password hashing) to wait while the event loop is saturated. Only where the
 * thread pool shares the loop's single core does this matter: there a running hash takes half the core from
 * token checks, so hashing yields to requests instead of the other way round.
 */
export class LoopPressure {
  private last: EventLoopUtilization = performance.eventLoopUtilization();
  private saturated = false;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => {
      const now = performance.eventLoopUtilization();
      this.saturated = performance.eventLoopUtilization(now, this.last).utilization > SATURATED;
      this.last = now;
    }, SAMPLE_MS);
    this.timer.unref();
  }

  get busy(): boolean {
    return this.saturated;
  }

  /** Resolves once the loop has room, or after MAX_WAIT_MS. */
  async room(): Promise<void> {
    const deadline = performance.now() + MAX_WAIT_MS;
    while (this.saturated && performance.now() < deadline) await sleep(STEP_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

let shared: LoopPressure | undefined;
/** One sampler per process, however many services ask. */
export const loopPressure = (): LoopPressure => (shared ??= new LoopPressure());
