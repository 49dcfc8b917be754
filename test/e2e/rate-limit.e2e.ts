import type { Browser, Page } from 'playwright-core';
import { createTestServer, register, type TestServer } from '../helpers/server';
import { isolatedContext, launch, Shots } from './browser';

/** Too many logins: the form says how long to wait (from `extensions.retryAfter`) and holds the button until then. */

let server: TestServer;
let browser: Browser;
let page: Page;
let shots: Shots;

beforeAll(async () => {
  server = await createTestServer({ NODE_ENV: 'development', LOG_LEVEL: 'silent', RATE_LOGIN_IP_MAX: '2', RATE_LOGIN_IP_WINDOW: '60', RATE_LOGIN_IP_BLOCK: '90' });
  await register(server, 'lee');
  browser = await launch();
  shots = new Shots('rate-limit');
  page = await (await isolatedContext(browser, server.url.replace(/\/graphql$/, ''))).context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('shows the wait in words and disables the login button until it is over', async () => {
  await page.goto(server.url.replace(/\/graphql$/, '/app/'));
  await page.getByLabel('Username').fill('lee');
  for (let i = 0; i < 3; i++) {
    await page.getByLabel('Password').fill(`wrong password ${i}`);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('alert').waitFor();
    await page.getByRole('button', { name: 'Log in' }).and(page.locator(':not([aria-busy])')).waitFor();
  }
  const alert = page.getByRole('alert');
  await alert.filter({ hasText: /^Too many attempts\. Try again in 1 minute \d+ seconds?\.$/ }).waitFor();
  expect(await page.getByRole('button', { name: 'Log in' }).isDisabled()).toBe(true);
  const before = await alert.innerText();
  await page.waitForTimeout(2100);
  expect(await alert.innerText()).not.toBe(before); // counting down
  await shots.take(page, 'login-rate-limited');
});
