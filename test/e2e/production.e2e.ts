import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { Product } from '../../src/modules/product/product.entity';
import { User } from '../../src/modules/user/user.entity';
import { createTestServer, type TestServer } from '../helpers/server';
import { explorerOnlyFiles, isolatedContext, launch, Shots, watch } from './browser';

/**
 * The production build (`npm run build:web`) against a production server that runs trusted documents only:
 * every operation travels as its manifest hash, over HTTP and over the WebSocket, and the app works.
 */

const ROOT = join(__dirname, '../..');
const MANIFEST = join(ROOT, 'web/src/gql/persisted-documents.json');

/** Another client of the same server: it too may only name documents of the manifest (here the web app's own). */
async function byHash(operation: string, variables: Record<string, unknown>, token?: string) {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, string>;
  const named = new RegExp(`\\b(query|mutation|subscription) ${operation}\\b`);
  const hash = Object.keys(manifest).find((key) => named.test(manifest[key]));
  if (!hash) throw new Error(`${operation} is not in the manifest`);
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ operationName: operation, variables, extensions: { persistedQuery: { version: 1, sha256Hash: hash.slice('sha256:'.length) } } }),
  });
  const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown };
  if (!body.data) throw new Error(`${operation} failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

let dist: string;
let server: TestServer;
let browser: Browser;
let page: Page;
let shots: Shots;
let productId: string;
const problems: string[] = [];
const posted: Array<Record<string, unknown>> = [];
const subscribes: Array<Record<string, unknown>> = [];
const assets: string[] = [];

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'tokengate-web-prod-'));
  const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
  const build = spawnSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--mode', 'production', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`production build failed:\n${build.stdout}\n${build.stderr}`);
  server = await createTestServer(
    { NODE_ENV: 'production', LOG_LEVEL: 'silent', WEB_APP: 'true', TRUSTED_DOCUMENTS: MANIFEST, TRUSTED_DOCUMENTS_ONLY: 'true', REFRESH_COOKIE_SECURE: 'false' },
    undefined,
    { webRoot: dist },
  );
  // The demo catalogue of the seed migration is there; take its first product.
  productId = (await server.app.orm.em.fork().find(Product, {}, { orderBy: { createdAt: 'asc' }, limit: 1 }))[0].id;
  browser = await launch();
  shots = new Shots('production');
  const { context } = await isolatedContext(browser, server.url.replace(/\/graphql$/, ''));
  page = await context.newPage();
  problems.push(...watch(page));
  page.on('request', (request) => {
    if (request.url().includes('/app/assets/')) assets.push(new URL(request.url()).pathname.replace('/app/', ''));
    if (request.method() === 'POST' && request.url().endsWith('/graphql')) posted.push(JSON.parse(request.postData() ?? '{}'));
  });
  page.on('websocket', (ws) =>
    ws.on('framesent', ({ payload }) => {
      const message = JSON.parse(String(payload));
      if (message.type === 'subscribe') subscribes.push(message.payload);
    }),
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

describe('the production build with TRUSTED_DOCUMENTS_ONLY=true', () => {
  it('refuses documents that are not in the manifest (the server side of the bargain)', async () => {
    const res = await server.gql('{ me { id username } }');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('DOCUMENT_NOT_TRUSTED');
  });

  it('signs up, shows me, and updates the cart live, sending hashes only', async () => {
    await page.goto(server.url.replace(/\/graphql$/, '/app/'));
    await page.getByRole('heading', { level: 1, name: 'Welcome to tokengate' }).waitFor();
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Username').fill('pat');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Hello, pat' }).waitFor();
    expect(await page.getByTestId('me').innerText()).toContain('pat');
    // A change made elsewhere (another device, here the API) reaches the open page over the hash-only subscription.
    const other = (await byHash('Login', { input: { username: 'pat', password: 'correct horse battery' } })).login;
    await byHash('AddToCart', { productId, quantity: 1 }, other.accessToken);
    await page.getByTestId('cart-badge').filter({ hasText: '1' }).waitFor({ timeout: 5000 });
    await shots.take(page, 'home');

    expect(posted.length).toBeGreaterThanOrEqual(3); // the boot refresh, register, me, the cart
    for (const body of posted) {
      expect(body).not.toHaveProperty('query');
      expect(body).toMatchObject({ extensions: { persistedQuery: { version: 1, sha256Hash: expect.stringMatching(/^[0-9a-f]{64}$/) } } });
    }
    expect(subscribes).toEqual([expect.objectContaining({ operationName: 'CartChanged', query: '', extensions: expect.objectContaining({ persistedQuery: expect.anything() }) })]);
    expect(problems).toEqual([]);
  });

  it('runs the admin console (queries, exports, the live tail) on hashes only, under the production CSP', async () => {
    await server.app.orm.em.fork().nativeUpdate(User, { username: 'pat' }, { role: 'ADMIN' });
    posted.length = 0;
    subscribes.length = 0;
    await page.goto(server.url.replace(/\/graphql$/, '/app/admin/people'));
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
    await page.getByRole('link', { name: 'pat' }).click();
    await page.getByRole('heading', { level: 1, name: 'pat' }).waitFor();
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Audit trail' }).click();
    await page.getByRole('button', { name: 'Start the live tail' }).click();
    await page.getByText('Waiting for events…').waitFor();
    await new Promise((r) => setTimeout(r, 500));
    await expect(byHash('Login', { input: { username: 'pat', password: 'not the password' } })).rejects.toThrow(/BAD_CREDENTIALS/);
    await page.getByTestId('live-tail').getByText('LOGIN_FAILED').waitFor({ timeout: 2000 });
    await page.getByRole('button', { name: 'Export as CSV' }).click();
    await page.getByRole('link', { name: /^Download audit-.*\.csv$/ }).waitFor();
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign-in activity' }).waitFor();
    await page.getByRole('figure').first().waitFor();
    await shots.take(page, 'admin-activity');

    expect(posted.map((b) => b.operationName)).toEqual(expect.arrayContaining(['AdminUsers', 'AdminUser', 'AdminAudit', 'AdminAuthStats']));
    for (const body of posted) expect(body).not.toHaveProperty('query');
    expect(subscribes).toEqual(expect.arrayContaining([expect.objectContaining({ operationName: 'AdminAuditTail', query: '', extensions: expect.objectContaining({ persistedQuery: expect.anything() }) })]));
    expect(problems).toEqual([]);
  });

  it('has no explorer unless EXPLORER=true', async () => {
    const res = await server.http('/app/explorer', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    await expect(page.getByRole('link', { name: 'Explorer' }).count()).resolves.toBe(0);
  });

  it('loads none of the explorer files, and the server does not serve them with the explorer off', async () => {
    const explorerFiles = explorerOnlyFiles(dist);
    expect(explorerFiles.some((file) => /Explorer-.*\.js$/.test(file))).toBe(true);
    await page.goto(server.url.replace(/\/graphql$/, '/app/products'));
    await page.getByRole('heading', { level: 1, name: 'Products' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(assets.length).toBeGreaterThan(0);
    expect(assets.filter((file) => explorerFiles.includes(file))).toEqual([]);
    for (const file of assets) expect([file, (await server.http(`/app/${file}`)).status]).toEqual([file, 200]);
    for (const file of explorerFiles) expect([file, (await server.http(`/app/${file}`)).status]).toEqual([file, 404]);
  });
});
