import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TestClock } from '../helpers/clock';
import { createTestServer, type TestServer } from '../helpers/server';
import { CREATE_PRODUCT, makeAdmin, ok } from '../helpers/shop';
import { axeViolations, isolatedContext, launch, report, Shots, watch } from './browser';

/**
 * The web app in real Chromium against a real server on a temp database, as `npm start` serves it (development,
 * web/dist built by the global setup). Access tokens live 5 s, so the silent refresh happens during the run.
 */

const TTL = 5;
const TOLERANCE = 1;
const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a whole new horse battery';
const DOCS_IMG = join(__dirname, '../../docs/img');

/** The wall clock: tokens must really expire while the browser waits. */
class WallClock extends TestClock {
  override now(): Date {
    return new Date();
  }
  override advance(): void {
    throw new Error('the e2e server runs on real time');
  }
}

let server: TestServer;
let base: string;
let browser: Browser;
let shots: Shots;
let a: { context: BrowserContext; outside: string[] };
let tab1: Page;
let tab2: Page;
const problems: string[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a page keeps where scripts can read it: nothing token-like may be there. */
async function readableStorage(page: Page): Promise<{ localStorage: string; sessionStorage: string; cookie: string }> {
  // A string, evaluated in the page (this file is compiled without the DOM's types).
  return page.evaluate('({ localStorage: JSON.stringify({ ...localStorage }), sessionStorage: JSON.stringify({ ...sessionStorage }), cookie: document.cookie })');
}
const TOKEN_LIKE = /eyJ[A-Za-z0-9_-]{10,}|tgr_|refresh|access/i;

async function expectNoAxeProblems(page: Page, name: string, exclude: string[] = []) {
  const violations = await axeViolations(page, exclude);
  if (violations.length) report(shots.dir, `axe-${name}`, violations);
  expect(violations.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

/** Counts `refreshToken` calls a page sends. */
function countRefreshes(page: Page) {
  const counter = { n: 0 };
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/graphql') && /"operationName":"Refresh"/.test(request.postData() ?? '')) counter.n++;
  });
  return counter;
}

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name });
/** A link of the main navigation ("Cart" carries its item count: match it with /^Cart/). */
const nav = (page: Page, name: string | RegExp) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: typeof name === 'string' });

beforeAll(async () => {
  server = await createTestServer(
    { NODE_ENV: 'development', LOG_LEVEL: 'silent', ACCESS_TOKEN_TTL: `${TTL}s`, JWT_MAX_LIFETIME: `${TTL}s`, JWT_CLOCK_TOLERANCE: String(TOLERANCE) },
    new WallClock(),
  );
  base = server.url.replace(/\/graphql$/, '');
  const admin = await makeAdmin(server, 'shopkeeper');
  const products = [
    // Next to the demo catalogue of the seed migration; names of their own, so searches find exactly these.
    { name: 'Test Reading Light', description: 'Warm light for late work.', priceCents: 3450 },
    ...Array.from({ length: 11 }, (_, i) => ({ name: `Test Journal ${i + 1}`, description: 'Dotted, 120 pages.', priceCents: 899 + i * 100 })),
  ];
  for (const input of products) await ok(server.gql(CREATE_PRODUCT, { input }, { token: admin.accessToken }), 'createProduct');
  browser = await launch();
  shots = new Shots('app');
  a = await isolatedContext(browser, base);
  tab1 = await a.context.newPage();
  problems.push(...watch(tab1));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the web app in Chromium', () => {
  it('shows the login screen, free of serious accessibility problems', async () => {
    await tab1.goto(`${base}/app/`);
    await heading(tab1, 'Welcome to tokengate').waitFor();
    await shots.take(tab1, 'login');
    await expectNoAxeProblems(tab1, 'login');
    await tab1.getByRole('button', { name: 'Create an account' }).click();
    await tab1.getByRole('heading', { name: 'Create an account' }).waitFor();
    await expectNoAxeProblems(tab1, 'signup');
  });

  it('signs up with a real form (Enter submits) and shows `me`', async () => {
    await tab1.getByLabel('Username').fill('alice');
    await tab1.getByLabel('Password').fill(PASSWORD);
    await shots.take(tab1, 'signup-filled');
    await tab1.getByLabel('Password').press('Enter');
    await heading(tab1, 'Hello, alice').waitFor();
    const me = tab1.getByTestId('me');
    expect(await me.innerText()).toMatch(/alice[\s\S]*USER[\s\S]*Active/);
    await shots.take(tab1, 'home');
    await expectNoAxeProblems(tab1, 'home');
  });

  it('keeps no token where scripts can read it', async () => {
    const storage = await readableStorage(tab1);
    // The one thing kept is a flag that this browser has signed in before (so a first visit makes no refresh call).
    expect(storage).toEqual({ localStorage: '{"tokengate.signed-in":"1"}', sessionStorage: '{}', cookie: '' });
    const cookies = await a.context.cookies();
    expect(cookies.map((c) => ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite, path: c.path }))).toEqual([
      { name: 'tokengate-refresh', httpOnly: true, sameSite: 'Strict', path: '/graphql' },
    ]);
  });

  it('logs out, then a wrong password shows a readable error', async () => {
    await tab1.getByRole('button', { name: 'Log out' }).click();
    await heading(tab1, 'Welcome to tokengate').waitFor();
    expect(await a.context.cookies()).toEqual([]);
    await tab1.getByLabel('Username').fill('alice');
    await tab1.getByLabel('Password').fill('not the password');
    await tab1.getByLabel('Password').press('Enter');
    const alert = tab1.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toBe('That username and password do not match. Check both and try again.');
    await shots.take(tab1, 'wrong-password');
    await expectNoAxeProblems(tab1, 'wrong-password');
  });

  it('logs in and browses the catalogue: paging and search', async () => {
    await tab1.getByLabel('Password').fill(PASSWORD);
    await tab1.getByRole('button', { name: 'Log in' }).click();
    await heading(tab1, 'Hello, alice').waitFor();
    await nav(tab1, 'Products').click();
    await heading(tab1, 'Products').waitFor();
    await tab1.getByText(/^\d+ products; page 1 of \d+\.$/).waitFor();
    await shots.take(tab1, 'products');
    await expectNoAxeProblems(tab1, 'products');
    await tab1.getByLabel('Search products').fill('Test Journal');
    await tab1.getByLabel('Search products').press('Enter');
    await tab1.getByText('11 products matching “Test Journal”; page 1 of 2.').waitFor();
    await tab1.getByRole('button', { name: 'Next page' }).click();
    await tab1.getByText('11 products matching “Test Journal”; page 2 of 2.').waitFor();
    await tab1.getByRole('heading', { name: 'Test Journal 11' }).waitFor();
    await tab1.getByRole('button', { name: 'Previous page' }).click();
    await tab1.getByRole('heading', { name: 'Test Journal 1', exact: true }).waitFor();
    await tab1.getByLabel('Search products').fill('reading light');
    await tab1.getByLabel('Search products').press('Enter');
    await tab1.getByText('1 product matching “reading light”; page 1 of 1.').waitFor();
  });

  it('adds to the cart, and a second tab sees the cart change live', async () => {
    await tab1.getByRole('button', { name: 'Add to cart: Test Reading Light' }).click();
    await tab1.getByText('In your cart: 1.').waitFor();
    await tab1.getByTestId('cart-badge').filter({ hasText: '1' }).waitFor();

    tab2 = await a.context.newPage();
    problems.push(...watch(tab2));
    await tab2.goto(`${base}/app/cart`);
    await heading(tab2, 'Your cart').waitFor();
    await tab2.getByRole('rowheader', { name: 'Test Reading Light' }).waitFor();
    await expectNoAxeProblems(tab2, 'cart');

    await tab1.getByLabel('Search products').fill('Test Journal 1');
    await tab1.getByLabel('Search products').press('Enter');
    await tab1.getByRole('button', { name: 'Add to cart: Test Journal 1', exact: true }).click();
    // No reload in tab 2: the change arrives over the WebSocket (cartChanged).
    await tab2.getByRole('rowheader', { name: 'Test Journal 1', exact: true }).waitFor({ timeout: 5000 });
    expect(await tab2.getByTestId('cart-count').innerText()).toBe('2 items');
    await shots.take(tab2, 'cart-second-tab-live');
    await tab2.getByRole('button', { name: 'One more Test Reading Light' }).click();
    await tab1.getByTestId('cart-badge').filter({ hasText: '3' }).waitFor({ timeout: 5000 });
  });

  it('past the access-token lifetime, the next action succeeds through one silent refresh', async () => {
    const refreshes = countRefreshes(tab1);
    // Start right after a refresh, so the window below holds exactly one expiry of tab 1's token.
    await tab1.waitForResponse((res) => /"operationName":"Refresh"/.test(res.request().postData() ?? ''), { timeout: (TTL + 2) * 1000 });
    refreshes.n = 0;
    await sleep((TTL + TOLERANCE) * 1000 + 500);
    await tab1.getByRole('button', { name: 'Add to cart: Test Journal 1', exact: true }).click();
    await tab1.getByText('In your cart: 2.').waitFor();
    expect(refreshes.n).toBe(1);
    await expect(tab1.getByRole('alert').count()).resolves.toBe(0);
    await shots.take(tab1, 'after-silent-refresh');
  });

  it('stays signed in across a reload (the cookie), with the cart as it was', async () => {
    await tab1.reload();
    await heading(tab1, 'Products').waitFor();
    await nav(tab1, /^Cart/).click();
    await heading(tab1, 'Your cart').waitFor();
    expect(await tab1.getByTestId('cart-count').innerText()).toBe('4 items');
    await shots.take(tab1, 'cart-after-reload');
    copyToDocs(await shots.take(tab1, 'signed-in'), 'web-app-signed-in.png');
  });

  it('changes quantities, removes a line and shows the totals', async () => {
    await tab1.getByRole('button', { name: 'One fewer Test Journal 1' }).click();
    await tab1.getByTestId('cart-count').filter({ hasText: '3 items' }).waitFor();
    const quantity = tab1.getByLabel('Quantity of Test Reading Light');
    await quantity.fill('5');
    await quantity.press('Enter');
    await tab1.getByTestId('cart-count').filter({ hasText: '6 items' }).waitFor();
    expect(await tab1.getByTestId('cart-total').innerText()).toMatch(/181\.49/); // 5 × 34.50 + 8.99
    await tab1.getByRole('button', { name: 'Remove Test Journal 1 from cart' }).click();
    await tab1.getByTestId('cart-count').filter({ hasText: '5 items' }).waitFor();
  });

  it('creates, fills, renames, empties and deletes a wishlist', async () => {
    await nav(tab1, 'Wishlists').click();
    await heading(tab1, 'Wishlists').waitFor();
    await tab1.getByRole('textbox', { name: 'New wishlist' }).fill('Gifts');
    await tab1.getByRole('textbox', { name: 'New wishlist' }).press('Enter');
    await tab1.getByRole('heading', { name: 'Gifts' }).waitFor();
    await nav(tab1, 'Products').click();
    await tab1.getByLabel('Search products').fill('reading light');
    await tab1.getByLabel('Search products').press('Enter');
    await tab1.getByRole('button', { name: 'Add to wishlist: Test Reading Light' }).click();
    await tab1.getByText('On “Gifts”.').waitFor();
    await nav(tab1, 'Wishlists').click();
    await tab1.getByRole('button', { name: 'Remove Test Reading Light from Gifts' }).waitFor();
    await shots.take(tab1, 'wishlists');
    await expectNoAxeProblems(tab1, 'wishlists');
    await tab1.getByRole('button', { name: 'Rename Gifts' }).click();
    await tab1.getByLabel('New name').fill('Presents');
    await tab1.getByLabel('New name').press('Enter');
    await tab1.getByRole('heading', { name: 'Presents' }).waitFor();
    await tab1.getByRole('button', { name: 'Remove Test Reading Light from Presents' }).click();
    await tab1.getByText('Empty. Add products from the').waitFor();
    await tab1.getByRole('button', { name: 'Delete Presents' }).click();
    await tab1.getByRole('button', { name: 'Yes, delete “Presents”' }).click();
    await tab1.getByText('No wishlists yet.').waitFor();
  });

  it('lists the sessions', async () => {
    await nav(tab1, 'Sessions').click();
    await heading(tab1, 'Where you are signed in').waitFor();
    await tab1.getByText('(this device)').waitFor();
    await shots.take(tab1, 'sessions');
    await expectNoAxeProblems(tab1, 'sessions');
  });

  it('changes the password after the fresh-login prompt; the other tab carries on', async () => {
    await nav(tab1, 'Password').click();
    await heading(tab1, 'Change your password').waitFor();
    const form = tab1.getByRole('form', { name: 'Change password' });
    await form.getByLabel('Current password').fill(PASSWORD);
    await tab1.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await tab1.getByLabel('New password again').fill(NEW_PASSWORD);
    await tab1.getByLabel('New password again').press('Enter');
    // A refreshed token never counts as a recent login: the server asks for one.
    await tab1.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    await shots.take(tab1, 'fresh-login-prompt');
    await expectNoAxeProblems(tab1, 'fresh-login-prompt');
    await tab1.getByLabel('Password for alice').fill(PASSWORD);
    await tab1.getByLabel('Password for alice').press('Enter');
    await tab1.getByText('Your password was changed.').waitFor();
    await shots.take(tab1, 'password-changed');
    // changePassword ended the old session; tab 2 refreshes into the new one (same cookie) instead of signing out.
    await sleep(1500);
    await heading(tab2, 'Your cart').waitFor();
  });

  it('runs `me` in the explorer, with no network beyond the server', async () => {
    await nav(tab1, 'Explorer').click();
    await tab1.getByText('Signed in as alice: requests carry your token.').waitFor();
    await tab1.locator('.graphiql-query-editor .monaco-editor').first().waitFor();
    const answer = tab1.waitForResponse((res) => res.url().endsWith('/graphql') && /query Me\b/.test(res.request().postData() ?? ''));
    await tab1.getByRole('button', { name: /Execute query/ }).click();
    expect(await (await answer).json()).toMatchObject({ data: { me: { username: 'alice', roles: ['USER'] } } });
    await tab1.locator('.graphiql-response').getByText('alice').waitFor({ timeout: 10000 });
    copyToDocs(await shots.take(tab1, 'explorer'), 'explorer.png');
    expect(a.outside).toEqual([]);
    // GraphiQL's tab strip nests its close button inside the tab (axe: nested-interactive); nothing else is left out.
    await expectNoAxeProblems(tab1, 'explorer', ['.graphiql-tabs']);
  });

  it('"sign out everywhere" from another browser shows the login screen here within 2 seconds', async () => {
    const b = await isolatedContext(browser, base);
    const other = await b.context.newPage();
    await other.goto(`${base}/app/sessions`);
    await other.getByLabel('Username').fill('alice');
    await other.getByLabel('Password').fill(NEW_PASSWORD);
    await other.getByLabel('Password').press('Enter');
    await heading(other, 'Where you are signed in').waitFor();
    await other.getByRole('button', { name: 'Sign out everywhere' }).click();
    const started = Date.now();
    await Promise.all(
      [tab1, tab2].map(async (tab) => {
        await heading(tab, 'Welcome to tokengate').waitFor({ timeout: 2000 });
        expect(await tab.getByRole('alert').first().innerText()).toMatch(/You were signed out: this session was ended/);
      }),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    await shots.take(tab1, 'signed-out-elsewhere');
    await heading(other, 'Welcome to tokengate').waitFor();
    await b.context.close();
  });

  it('kept no token where scripts can read it, reached nothing but the server, and logged no errors', async () => {
    for (const tab of [tab1, tab2]) {
      const storage = await readableStorage(tab);
      expect(storage.cookie).toBe('');
      expect(storage.localStorage).not.toMatch(TOKEN_LIKE);
      expect(storage.sessionStorage).not.toMatch(TOKEN_LIKE);
    }
    expect(a.outside).toEqual([]);
    expect(problems).toEqual([]);
  });
});

/** With UPDATE_DOCS_IMG=1, the screenshot also replaces the one in docs/img (the README's). */
function copyToDocs(file: string, name: string): void {
  if (process.env.UPDATE_DOCS_IMG !== '1') return;
  mkdirSync(DOCS_IMG, { recursive: true });
  copyFileSync(file, join(DOCS_IMG, name));
}
