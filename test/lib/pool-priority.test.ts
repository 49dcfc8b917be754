import { availableParallelism } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { lowerThreadPoolPriority } from '../../src/lib/pool-priority';

const nice = (tid: string) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);

describe('lowerThreadPoolPriority', () => {
  it('lowers only threads other than the main one, and only where the process has a single core', async () => {
    const lowered = await lowerThreadPoolPriority();
    const tasks = readdirSync('/proc/self/task');
    expect(nice(String(process.pid))).toBe(0);
    if (availableParallelism() === 1) {
      expect(lowered).toBeGreaterThan(0);
      expect(tasks.filter((t) => nice(t) === 10).length).toBe(lowered);
    } else {
      expect(lowered).toBe(0);
      expect(tasks.filter((t) => nice(t) !== 0)).toEqual([]);
    }
    expect(await lowerThreadPoolPriority()).toBe(lowered); // once per process
  });
});
