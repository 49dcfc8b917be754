import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { DocumentCache, retainedSize } from '../src/document-cache';
import { gql, reapAll, send, startServer, type ServerProcess } from './helpers/process';

describe('DocumentCache', () => {
  it('counts the query text a document keeps alive, comments included, and drops the least recently used', () => {
    const doc = (n: number) => parse(`# ${'x'.repeat(10_000)}\n{ a${n}: __typename }`);
    const size = retainedSize(doc(0)) + 2; // and the key
    expect(size).toBeGreaterThan(10_000);
    const cache = new DocumentCache(Math.floor(3.5 * size));
    for (const n of [0, 1, 2]) cache.store(`k${n}`, doc(n));
    expect(cache.lookup('k0')).toBeDefined(); // now the most recently used
    cache.store('k3', doc(3));
    expect(['k0', 'k1', 'k2', 'k3'].map((k) => cache.lookup(k) !== undefined)).toEqual([true, false, true, true]);
    expect(cache.bytes).toBeLessThanOrEqual(3.5 * size);
    cache.store('huge', parse(`# ${'x'.repeat(4 * size)}\n{ __typename }`));
    expect(cache.lookup('huge')).toBeUndefined();
  });
});

/** Resident memory of a process, in MB (VmRSS). */
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

describe('a server with a small heap and thousands of distinct large documents', () => {
  let server: ServerProcess;
  afterAll(async () => {
    await reapAll();
  });

  it('stays alive and flat: each 90 KB document (one comment and `{ __typename }`) is cached by its real size', async () => {
    // Documents as large as the body limit allows reach the parser and the cache; that is what is measured here.
    server = await startServer('node', ['--max-old-space-size=160', '--require', 'tsx/cjs', 'src/index.ts'], { GRAPHQL_MAX_DOCUMENT_BYTES: '100kb', LOG_LEVEL: 'warn' });
    const pid = server.child.pid!;
    const post = async (i: number) => {
      const res = await gql(server.port, `# ${randomBytes(45_000).toString('hex')}\n{ __typename }`);
      if (!('status' in res) || res.status !== 200) throw new Error(`request ${i}: ${JSON.stringify(res).slice(0, 300)}\n${server.log().slice(-2000)}`);
    };
    const samples: number[] = [];
    const total = 2000;
    for (let i = 0; i < total; i += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, k) => post(i + k)));
      if (i > 0 && i % 400 === 0) samples.push(rssMb(pid));
    }
    const health = await send(server.port, 'GET', '/healthz');
    expect('status' in health && health.status).toBe(200);
    expect(server.child.exitCode).toBeNull();
    // Past the warm-up (the cache full at 30 MiB), memory no longer follows the number of documents (180 MB sent).
    const [first, ...rest] = samples.slice(1);
    expect(Math.max(...rest) - first).toBeLessThan(64);
  }, 180_000);
});
