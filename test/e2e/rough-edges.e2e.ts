import type { Browser } from 'playwright-core';
import { createTestServer, type TestServer } from '../helpers/server';
import { isolatedContext, launch } from './browser';

/** Rough edges a new user met in the web app, each checked in Chromium. */

let server: TestServer;
let base: string;
let browser: Browser;

beforeAll(async () => {
  server = await createTestServer({ NODE_ENV: 'development', LOG_LEVEL: 'silent' });
  base = server.url.replace(/\/graphql$/, '');
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('a signed-out first load logs nothing in the console (no 401 from a refresh without a cookie)', async () => {
  const { context } = await isolatedContext(browser, base);
  const page = await context.newPage();
  const messages: string[] = [];
  page.on('console', (msg) => void (msg.type() === 'error' && messages.push(msg.text())));
  const refreshes: string[] = [];
  page.on('request', (r) => void (/"operationName":"Refresh"/.test(r.postData() ?? '') && refreshes.push(r.url())));
  await page.goto(`${base}/app/`);
  await page.getByRole('button', { name: /sign in|log in/i }).first().waitFor();
  expect(refreshes).toEqual([]);
  expect(messages).toEqual([]);
  await context.close();
});
