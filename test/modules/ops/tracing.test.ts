import { execFileSync } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { reapAll, startServer, waitExit } from '../../helpers/process';

/** The real process (instrumentation patches graphql as Node loads it, which jest's module registry bypasses). */
const TSX: [string, string[]] = [process.execPath, ['--require', 'tsx/cjs', 'src/index.ts']];
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PASSWORD = 'a secret password 123';

/** A stand-in OTLP/HTTP collector: keeps every JSON body posted to /v1/traces. */
async function collector(): Promise<{ server: Server; url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(text);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies };
}

function post(port: number, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/graphql?token=query-string-secret', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode!));
    });
    req.on('error', fail);
    req.end(JSON.stringify(body));
  });
}

afterAll(async () => {
  await reapAll();
});

describe('tracing (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('exports request and GraphQL spans that continue the incoming traceparent, logs the trace id, and carries no password, token or variable value', async () => {
    const otlp = await collector();
    try {
      const server = await startServer(...TSX, { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_SERVICE_NAME: 'tokengate-test' });
      const register = { query: 'mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }', variables: { input: { username: 'traced', password: PASSWORD } } };
      expect(await post(server.port, register, { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` })).toBe(200);
      // A literal in the document, not a variable: masked too.
      expect(await post(server.port, { query: `mutation { login(input: { username: "traced", password: "${PASSWORD}" }) { accessToken } }` })).toBe(200);
      for (let i = 0; i < 100 && !otlp.bodies.join('').includes('graphql'); i++) await new Promise((r) => setTimeout(r, 100));
      server.child.kill('SIGTERM');
      expect(await waitExit(server, 10_000)).toMatchObject({ code: 0 });
      const exported = otlp.bodies.join('\n');
      expect(exported).toContain(TRACE_ID);
      expect(exported).toContain('tokengate-test');
      expect(exported).toMatch(/graphql\.(execute|parse|validate)|"mutation/);
      expect(exported).not.toContain(PASSWORD);
      expect(exported).not.toContain('query-string-secret');
      expect(exported).not.toMatch(/"accessToken"\s*:\s*"ey/);
      const requestLine = server.log().split('\n').find((l) => l.includes('"msg":"request"') && l.includes(TRACE_ID));
      expect(requestLine).toBeDefined();
    } finally {
      otlp.server.close();
    }
  }, 60_000);

  // prom-client itself requires the (no-op) @opentelemetry/api; nothing of the SDK, exporter or instrumentations loads.
  it('off by default: no OpenTelemetry SDK, exporter or instrumentation is loaded', async () => {
    const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', "require('./src/modules/ops/tracing.boot'); require('./src/app'); console.log(Object.keys(require.cache).filter((k) => /@opentelemetry\\/(sdk|exporter|instrumentation|resources)|@fastify\\/otel/.test(k)).length)"], {
      cwd: `${__dirname}/../../..`,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(out.toString().trim()).toBe('0');
  }, 30_000);
});
