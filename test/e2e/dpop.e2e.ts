import type { Browser, Page } from 'playwright-core';
import { TestClock } from '../helpers/clock';
import { freePort } from '../helpers/process';
import { createTestServer, ME, type TestServer } from '../helpers/server';
import { dpopClient, gqlWith } from '../helpers/dpop';
import { isolatedContext, launch, watch } from './browser';

/**
 * The web app signs every request and its socket with a DPoP key it cannot export (RFC 9449): no bearer token
 * leaves the page, and a token (or a proof) taken out of its traffic gets nothing when replayed from Node.
 */

class WallClock extends TestClock {
  override now(): Date {
    return new Date();
  }
}

const PASSWORD = 'correct horse battery';
let server: TestServer;
let base: string;
let browser: Browser;
let page: Page;
const problems: string[] = [];
const sent: Array<{ method: string; authorization?: string; dpop?: string }> = [];
const socketInits: any[] = [];

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = await createTestServer({ NODE_ENV: 'development', LOG_LEVEL: 'silent', PORT: String(port), PUBLIC_URL: base }, new WallClock());
  browser = await launch();
  const { context } = await isolatedContext(browser, base);
  page = await context.newPage();
  problems.push(...watch(page));
  page.on('request', (request) => {
    if (!request.url().startsWith(`${base}/graphql`) || request.method() !== 'POST') return;
    const headers = request.headers();
    sent.push({ method: request.method(), authorization: headers.authorization, dpop: headers.dpop });
  });
  page.on('websocket', (ws) => ws.on('framesent', (frame) => {
    const message = JSON.parse(String(frame.payload));
    if (message.type === 'connection_init') socketInits.push(message.payload ?? {});
  }));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('DPoP in the web app (Chromium)', () => {
  it('signs up with a proof, signs every request and the socket, and sends no bearer token', async () => {
    await page.goto(`${base}/app/`);
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Username').fill('dana');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Hello, dana' }).waitFor();
    const deadline = Date.now() + 10_000;
    while (!socketInits.some((p) => p.authorization) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

    expect(sent.length).toBeGreaterThan(1);
    for (const request of sent) {
      expect(request.dpop).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      if (request.authorization) expect(request.authorization).toMatch(/^DPoP /);
    }
    expect(sent.some((r) => r.authorization)).toBe(true);
    const signed = socketInits.filter((p) => p.authorization);
    expect(signed.length).toBeGreaterThan(0);
    for (const params of signed) {
      expect(params.authorization).toMatch(/^DPoP /);
      expect(JSON.parse(Buffer.from(params.dpop.split('.')[1], 'base64url').toString())).toMatchObject({ htm: 'GET', htu: `${base}/graphql` });
    }
    expect(problems).toEqual([]);
  });

  it('keeps its private key non-extractable in IndexedDB', async () => {
    const key = await page.evaluate(`new Promise((resolve, reject) => {
      const open = indexedDB.open('tokengate', 1);
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const get = open.result.transaction('keys').objectStore('keys').get('dpop');
        get.onsuccess = () => resolve({ extractable: get.result.privateKey.extractable, alg: get.result.privateKey.algorithm.namedCurve });
      };
    })`);
    expect(key).toEqual({ extractable: false, alg: 'P-256' });
  });

  it('still signs in when the device clock is ten minutes slow (iat follows the server Date header)', async () => {
    const { context } = await isolatedContext(browser, base);
    await context.clock.setFixedTime(new Date(Date.now() - 10 * 60 * 1000));
    const slow = await context.newPage();
    await slow.goto(`${base}/app/`);
    await slow.getByRole('button', { name: 'Create an account' }).click();
    await slow.getByLabel('Username').fill('sloane');
    await slow.getByLabel('Password').fill(PASSWORD);
    await slow.getByLabel('Password').press('Enter');
    await slow.getByRole('heading', { level: 1, name: 'Hello, sloane' }).waitFor();
    await context.close();
  });

  it('a token and a proof taken from its requests get nothing from Node', async () => {
    const taken = sent.filter((r) => r.authorization).at(-1)!;
    const token = taken.authorization!.replace(/^DPoP /, '');
    const url = `${base}/graphql`;
    const asBearer = await gqlWith(url, ME, undefined, { authorization: `Bearer ${token}` });
    expect([asBearer.status, asBearer.body.errors?.[0]?.extensions?.reason]).toEqual([401, 'DPOP_REQUIRED']);
    const replayed = await gqlWith(url, ME, undefined, { authorization: taken.authorization!, dpop: taken.dpop! });
    expect([replayed.status, replayed.body.errors?.[0]?.extensions?.reason]).toEqual([401, 'DPOP_PROOF_REPLAYED']);
    const thief = await dpopClient();
    const ownKey = await gqlWith(url, ME, undefined, { authorization: taken.authorization!, dpop: await thief.proof('POST', { accessToken: token, htu: url }) });
    expect([ownKey.status, ownKey.body.errors?.[0]?.extensions?.reason]).toEqual([401, 'DPOP_KEY_MISMATCH']);
  });
});
