// argon2.verify alone, with the server's parameters (same env → same loadConfig), keeping C verifications in flight.
import argon2 from 'argon2';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config';
import { exitOnDisconnect } from './proc';
import { summarize } from './stats';

const [concurrency, warmup, duration] = process.argv.slice(2).map(Number);
const PASSWORD = 'Quartz-lantern-7741';

async function loop(hash: string, seconds: number, latencies: number[]): Promise<number> {
  const start = performance.now();
  const end = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      if (!(await argon2.verify(hash, PASSWORD))) throw new Error('verify returned false');
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (performance.now() - start) / 1000;
}

async function main(): Promise<void> {
  exitOnDisconnect();
  const hash = await argon2.hash(PASSWORD, { type: argon2.argon2id, ...loadConfig(process.env).argon2 });
  await loop(hash, warmup, []);
  const latencies: number[] = [];
  const seconds = await loop(hash, duration, latencies);
  process.stdout.write(JSON.stringify(summarize(latencies, seconds, 0)) + '\n');
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`argon2 loop failed: ${String(err)}\n`);
  process.exit(1);
});
