import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { createTestServer, LOGIN, login, REFRESH, register, type TestServer } from '../../helpers/server';
import { RawSocket, sleep, wsUrl } from '../../helpers/ws';
import { Metrics } from '../../../src/modules/ops/metrics';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const parsePrometheusTextFormat: (text: string) => Family[] = require('parse-prometheus-text-format');

interface Sample {
  labels?: Record<string, string>;
  value?: string;
  count?: string;
  buckets?: Record<string, string>;
}
interface Family {
  name: string;
  type: string;
  metrics: Sample[];
}

type Scrape = Map<string, Family> & { text?: string };

async function scrape(server: TestServer, init?: RequestInit): Promise<Scrape> {
  const res = await server.http('/metrics', init);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  return Object.assign(new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f])), { text });
}

/** A labelled histogram's _count line (the parser flattens histograms as if they had no labels). */
function histogramCount(scrape: Scrape, name: string, labels: string): number {
  const line = scrape.text!.split('\n').find((l) => l.startsWith(`${name}_count{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** The sum of a family's values (or histogram counts) over the samples whose labels include `labels`. */
function total(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  const family = scrape.get(name);
  if (!family) throw new Error(`no family ${name}`);
  return family.metrics
    .filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
    .reduce((sum, m) => sum + Number(m.count ?? m.value ?? 0), 0);
}

const CART_CHANGED = `subscription { cartChanged { itemCount } }`;
const PRODUCTS = `{ products(first: 1) { edges { node { id } } } }`;
const ADD = `mutation ($p: ID!) { addToCart(productId: $p) { itemCount } }`;

describe('GET /metrics (outside production, no METRICS_PORT or METRICS_TOKEN: open on the main port)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ REFRESH_GRACE_PERIOD: '0', RATE_LOGIN_IP_MAX: '1', RATE_LOGIN_IP_WINDOW: '60s' });
  });
  afterAll(() => server.close());

  it('shows default process metrics and every tokengate_* family moving as requests are made', async () => {
    const before = await scrape(server);
    expect(before.has('process_cpu_user_seconds_total')).toBe(true);
    expect(before.has('nodejs_eventloop_lag_seconds')).toBe(true);

    const alice = await register(server, 'metrics_alice');
    await login(server, 'metrics_alice');
    await server.gql(LOGIN, { input: { username: 'metrics_alice', password: 'wrong password!' } });
    const rotated = (await server.gql(REFRESH, { token: alice.refreshToken })).body.data.refreshToken;
    expect(rotated).toBeTruthy();
    await server.gql(REFRESH, { token: alice.refreshToken }); // spent: reuse detected
    // The login limit (1 a minute, a success refunded) was spent by the failure; this one is refused.
    await server.gql(LOGIN, { input: { username: 'metrics_alice', password: 'wrong password!' } });

    const bob = await register(server, 'metrics_bob');
    const socket = new RawSocket(wsUrl(server));
    expect(await socket.init({ accessToken: bob.accessToken })).toBe('ack');
    socket.subscribe('cart', CART_CHANGED);
    await sleep(100);
    const productId = (await server.gql(PRODUCTS)).body.data.products.edges[0].node.id;
    await server.gql(ADD, { p: productId }, { token: bob.accessToken });
    await socket.next((m) => m.id === 'cart' && m.type === 'next');

    const during = await scrape(server);
    expect(total(during, 'tokengate_websocket_sockets_open')).toBe(1);
    expect(total(during, 'tokengate_subscriptions_active')).toBe(1);
    socket.close();
    await socket.closed;
    await sleep(50);
    const after = await scrape(server);
    expect(total(after, 'tokengate_websocket_sockets_open')).toBe(0);
    expect(total(after, 'tokengate_subscriptions_active')).toBe(0);

    const grew = (name: string, labels?: Record<string, string>) => total(after, name, labels) - (before.has(name) ? total(before, name, labels) : 0);
    expect(grew('tokengate_http_requests_total', { route: '/graphql', method: 'POST', status: '200' })).toBeGreaterThanOrEqual(6);
    const durations = 'tokengate_http_request_duration_seconds';
    const graphql200 = 'method="POST",route="/graphql",status="200"';
    expect(histogramCount(after, durations, graphql200) - histogramCount(before, durations, graphql200)).toBeGreaterThanOrEqual(6);
    expect(grew('tokengate_graphql_operations_total', { type: 'mutation', code: 'OK', operation: 'other' })).toBeGreaterThanOrEqual(3);
    expect(grew('tokengate_graphql_operations_total', { type: 'mutation', code: 'BAD_CREDENTIALS' })).toBe(1);
    expect(grew('tokengate_graphql_operations_total', { type: 'mutation', code: 'RATE_LIMITED' })).toBe(1);
    expect(grew('tokengate_sign_ins_total', { method: 'password', outcome: 'success' })).toBe(1);
    expect(grew('tokengate_sign_ins_total', { method: 'password', outcome: 'failed' })).toBe(1);
    expect(grew('tokengate_sign_ins_total', { method: 'password', outcome: 'locked' })).toBe(1);
    expect(grew('tokengate_refresh_rotations_total')).toBe(1);
    expect(grew('tokengate_refresh_reuse_detected_total')).toBe(1);
    expect(grew('tokengate_rate_limit_refusals_total', { limiter: 'loginIp' })).toBe(1);
    expect(grew('tokengate_argon2_wait_seconds')).toBeGreaterThanOrEqual(4);
    expect(after.has('tokengate_argon2_jobs_queued') && after.has('tokengate_argon2_jobs_running')).toBe(true);
    expect(grew('tokengate_live_delivery_lag_seconds')).toBeGreaterThanOrEqual(1);
    // Declared now, moved by the retention job, the mail outbox and DPoP (their tests call the recorders).
    for (const name of ['tokengate_cleanup_rows_removed_total', 'tokengate_mail_outbox_depth', 'tokengate_mail_sent_total', 'tokengate_mail_failed_total', 'tokengate_dpop_refusals_total']) {
      expect(after.has(name)).toBe(true);
    }
  });

  it('labels unmatched paths as one route, never by the raw URL', async () => {
    await server.http('/no/such/path-1');
    await server.http('/no/such/path-2');
    const s = await scrape(server);
    expect(total(s, 'tokengate_http_requests_total', { route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(2);
    expect(s.get('tokengate_http_requests_total')!.metrics.some((m) => m.labels?.route?.includes('path-1'))).toBe(false);
  });
});

describe('metrics recorders for the features that land later', () => {
  it('mail outbox depth, sent and failed, and DPoP refusals by reason, each one call', async () => {
    const metrics = new Metrics({ argon2: () => ({ queued: 2, running: 1 }), sockets: () => 0, subscriptions: () => 0 });
    metrics.mail({ depth: 7 });
    metrics.mail({ sent: true });
    metrics.mail({ sent: true });
    metrics.mail({ failed: true });
    metrics.dpopRefused('ath_mismatch');
    metrics.cleanupRemoved('sessions', 12);
    const s: Scrape = new Map(parsePrometheusTextFormat(await metrics.text()).map((f) => [f.name, f]));
    expect(total(s, 'tokengate_mail_outbox_depth')).toBe(7);
    expect(total(s, 'tokengate_mail_sent_total')).toBe(2);
    expect(total(s, 'tokengate_mail_failed_total')).toBe(1);
    expect(total(s, 'tokengate_dpop_refusals_total', { reason: 'ath_mismatch' })).toBe(1);
    expect(total(s, 'tokengate_cleanup_rows_removed_total', { table: 'sessions' })).toBe(12);
    expect(total(s, 'tokengate_argon2_jobs_queued')).toBe(2);
    expect(total(s, 'tokengate_argon2_jobs_running')).toBe(1);
  });
});

describe('metrics access', () => {
  it('METRICS_TOKEN: the main port answers 401 without the bearer token and the metrics with it', async () => {
    const token = 'metrics-token-0123456789abcdef';
    const server = await createTestServer({ METRICS_TOKEN: token });
    try {
      const refused = await server.http('/metrics');
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect((await server.http('/metrics', { headers: { authorization: 'Bearer wrong-token-0123456789abcdef' } })).status).toBe(401);
      await scrape(server, { headers: { authorization: `Bearer ${token}` } });
    } finally {
      await server.close();
    }
  });

  it('METRICS_PORT: a loopback listener of its own; the main port has no /metrics', async () => {
    const server = await createTestServer({ METRICS_PORT: '0' });
    try {
      expect((await server.http('/metrics')).status).toBe(404);
      const port = server.app.metricsPort();
      expect(port).toEqual(expect.any(Number));
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('tokengate_http_requests_total');
      expect((await fetch(`http://127.0.0.1:${port}/graphql`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('in production with neither set there is no /metrics', async () => {
    const server = await createTestServer({ NODE_ENV: 'production', WEB_APP: 'false', LOG_LEVEL: 'silent' });
    try {
      expect((await server.http('/metrics')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('GraphQL operation names come only from the trusted-document manifest; any other name is "other"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-metrics-'));
    const listed = 'query ListedProducts { products(first: 1) { totalCount } }';
    const manifest = join(dir, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ [`sha256:${createHash('sha256').update(listed).digest('hex')}`]: listed }));
    const server = await createTestServer({ TRUSTED_DOCUMENTS: manifest });
    try {
      await server.gql(listed);
      await server.gql('query MadeUpName123 { products(first: 1) { totalCount } }');
      const s = await scrape(server);
      expect(total(s, 'tokengate_graphql_operations_total', { operation: 'ListedProducts', type: 'query', code: 'OK' })).toBe(1);
      expect(total(s, 'tokengate_graphql_operations_total', { operation: 'other', type: 'query', code: 'OK' })).toBe(1);
      expect(s.get('tokengate_graphql_operations_total')!.metrics.some((m) => m.labels?.operation === 'MadeUpName123')).toBe(false);
    } finally {
      await server.close();
    }
  });
});
