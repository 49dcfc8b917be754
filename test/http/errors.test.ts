import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestServer, type TestServer } from '../helpers/server';

/** Each client error says what it is (src/http/errors.ts), in the GraphQL error shape, with its own status. */
describe('HTTP client errors', () => {
  let root: string;
  let server: TestServer;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tokengate-errors-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><html><head></head><body></body></html>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(root, '.tokengate-build.json'), '{"mode":"development"}');
    server = await createTestServer({ NODE_ENV: 'development', LOG_LEVEL: 'silent' }, undefined, { webRoot: root });
  });
  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  const answer = async (path: string, init: RequestInit = {}) => {
    const res = await server.http(path, init);
    const body = (await res.json()) as any;
    return { status: res.status, code: body.errors[0].extensions.code as string, message: body.errors[0].message as string };
  };

  it('gives each status its own code and message; a body that is not JSON keeps its own', async () => {
    const malformed = await answer('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    const refusedPath = await answer('/app/assets/');
    const badPath = await answer('/app/assets/index-abc123.js%00');
    const range = await answer('/app/assets/index-abc123.js', { headers: { range: 'bytes=999999-' } });
    expect([malformed.status, malformed.code]).toEqual([400, 'BAD_REQUEST']);
    expect(malformed.message).toMatch(/JSON/);
    expect([refusedPath.status, refusedPath.code]).toEqual([403, 'FORBIDDEN']);
    expect([badPath.status, badPath.code]).toEqual([400, 'BAD_REQUEST']);
    expect([range.status, range.code]).toEqual([416, 'RANGE_NOT_SATISFIABLE']);
    // Nothing but a body that did not parse is called one.
    for (const other of [refusedPath, badPath, range]) expect(other.message).not.toMatch(/JSON/);
    expect(new Set([malformed.message, refusedPath.message, badPath.message, range.message]).size).toBe(4);
  });
});
