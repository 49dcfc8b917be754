import { setTimeout as sleep } from 'node:timers/promises';
import { LoopPressure } from '../../src/lib/loop-pressure';

/** Keeps the event loop busy for `ms`, in slices, so timers still get their turn between them. */
async function busyFor(ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const slice = performance.now() + 4;
    while (performance.now() < slice);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const STEP_SLACK_MS = 4;

describe('LoopPressure', () => {
  const pressure = new LoopPressure();
  afterAll(() => pressure.stop());

  it('lets work start at once while the loop is idle', async () => {
    // Start-up (module loading) may still count in the first samples: wait for a quiet one.
    for (let i = 0; i < 50 && pressure.busy; i++) await sleep(20);
    expect(pressure.busy).toBe(false);
    const start = performance.now();
    await pressure.room();
    expect(performance.now() - start).toBeLessThan(STEP_SLACK_MS);
  });

  it('holds work back while the loop is saturated, for 50 ms at most', async () => {
    const busy = busyFor(1000);
    await sleep(60); // timers fire between the slices
    expect(pressure.busy).toBe(true);
    const start = performance.now();
    await pressure.room();
    const waited = performance.now() - start;
    expect(waited).toBeGreaterThanOrEqual(20);
    // Bounded (a timer in a busy loop fires late, hence the slack), not until the loop is quiet again.
    expect(waited).toBeLessThan(400);
    await busy;
  });
});
