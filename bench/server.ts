// The real app in its own process: prints {"url"} once listening, answers {cmd:'rss'} (RSS and live heap + external bytes, after a full GC), {cmd:'cleanup'} (one retention pass) and {cmd:'stop'} over IPC.
import { join, resolve } from 'node:path';
import { answerCpu, exitOnDisconnect } from './proc';

// BENCH_APP_ROOT: another checkout's app (its src/ and node_modules), so bench:cpu can measure two versions side by side.
const root = process.env.BENCH_APP_ROOT ?? resolve(__dirname, '..');
const { createApp } = require(join(root, 'src/app')) as typeof import('../src/app');
const { loadConfig } = require(join(root, 'src/config')) as typeof import('../src/config');

async function main(): Promise<void> {
  const app = await createApp(loadConfig(process.env));
  const url = await app.listen(0, '127.0.0.1');
  process.on('message', async (msg: { cmd?: string }) => {
    if (msg.cmd === 'rss') {
      // A full collection first, so the figure is live memory rather than garbage not yet collected.
      (globalThis as { gc?: () => void }).gc?.();
      const { rss, heapUsed, external } = process.memoryUsage();
      // heapUsed + external: what live objects and buffers hold, without the pages a GC freed but the allocator kept.
      process.send!({ rss, live: heapUsed + external });
    }
    if (msg.cmd === 'cleanup') {
      // One retention pass, as the CLEANUP_INTERVAL timer (or npm run cleanup) would run it.
      const started = Date.now();
      const removed = await app.retention.runOnce();
      process.send!({ removed, ms: Date.now() - started });
    }
    if (msg.cmd === 'stop') {
      await app.stop().catch(() => undefined);
      process.exit(0); // a normal exit, so --cpu-prof writes its profile
    }
  });
  exitOnDisconnect();
  answerCpu();
  process.stdout.write(JSON.stringify({ url }) + '\n');
}

main().catch((err) => {
  process.stderr.write(`bench server failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
