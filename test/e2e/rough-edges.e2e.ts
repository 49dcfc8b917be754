import type { Browser, Page } from 'playwright-core';
import { createTestServer, type TestServer } from '../helpers/server';
import { explorerOnlyFiles, isolatedContext, launch, WEB_DIST } from './browser';

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

/** Signs up in the page (the app's own form) and waits for the start page. */
async function signUp(page: Page, username: string): Promise<void> {
  await page.goto(`${base}/app/`);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByLabel('Password').press('Enter');
  await page.getByRole('heading', { level: 1, name: `Hello, ${username}` }).waitFor();
}

/** Console errors and warnings, and page errors, of a page. */
function consoleProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => void (['error', 'warning'].includes(msg.type()) && problems.push(`${msg.type()}: ${msg.text()}`)));
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return problems;
}

it('the explorer logs no console error or warning, and runs a replaced document under its new name at once', async () => {
  const { context, outside } = await isolatedContext(browser, base);
  const page = await context.newPage();
  const problems = consoleProblems(page);
  await signUp(page, 'explorer-user');
  await page.goto(`${base}/app/explorer`);
  await page.getByText('Signed in as explorer-user: requests carry your token.').waitFor();
  const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
  await editor.waitFor();
  await page.locator('.graphiql-query-editor').getByText('query Me').waitFor();
  // Replace the default document and run it straight away (the old plugin sent the old name: Unknown operation "Me").
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText('query Products { products(first: 1) { totalCount } }');
  const sent = page.waitForRequest((r) => r.url().endsWith('/graphql') && /Products/.test(r.postData() ?? ''));
  const answer = page.waitForResponse((r) => r.url().endsWith('/graphql') && /Products/.test(r.request().postData() ?? ''));
  await page.keyboard.press('Control+Enter');
  const body = JSON.parse((await sent).postData() ?? '{}');
  expect(body).toMatchObject({ operationName: 'Products', query: 'query Products { products(first: 1) { totalCount } }' });
  const result = await (await answer).json();
  expect(result.errors).toBeUndefined();
  expect(result.data.products.totalCount).toBeGreaterThan(0);
  await page.locator('.graphiql-response').getByText('totalCount').waitFor({ timeout: 10000 });
  // GraphiQL's own docs are still there.
  await page.getByRole('button', { name: /Show Documentation Explorer/i }).click();
  await page.getByText('Root Types').waitFor();
  expect(outside).toEqual([]);
  expect(problems).toEqual([]);
  await context.close();
});

it('pages other than the explorer load none of its files (GraphiQL, Monaco, their workers)', async () => {
  const explorerFiles = explorerOnlyFiles(WEB_DIST);
  expect(explorerFiles.some((file) => /Explorer-/.test(file))).toBe(true);
  expect(explorerFiles.some((file) => /worker/.test(file))).toBe(true);
  const { context } = await isolatedContext(browser, base);
  const page = await context.newPage();
  const loaded: string[] = [];
  page.on('request', (r) => void (r.url().includes('/app/assets/') && loaded.push(new URL(r.url()).pathname.replace('/app/', ''))));
  await signUp(page, 'chunk-user');
  for (const path of ['products', 'cart', 'wishlists', 'sessions', 'account', 'security']) {
    await page.goto(`${base}/app/${path}`);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.waitForLoadState('networkidle');
  }
  expect(loaded.length).toBeGreaterThan(0);
  expect(loaded.filter((file) => explorerFiles.includes(file))).toEqual([]);
  // The explorer page does load them: the list above is the right one.
  await page.goto(`${base}/app/explorer`);
  await page.locator('.graphiql-query-editor .monaco-editor').first().waitFor();
  expect(loaded.filter((file) => explorerFiles.includes(file)).length).toBeGreaterThan(0);
  await context.close();
});

it('on a 390 px phone the cart shows each "Remove" button whole, inside the screen', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signUp(page, 'phone-user');
  await page.goto(`${base}/app/products`);
  await page.getByRole('button', { name: /^Add to cart: / }).first().click();
  await page.getByText('In your cart: 1.').waitFor();
  await page.goto(`${base}/app/cart`);
  const remove = page.getByRole('button', { name: /^Remove .* from cart$/ });
  await remove.waitFor();
  const box = (await remove.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  // Nor does the page scroll sideways.
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  await context.close();
});

it('the new-wishlist field is named once', async () => {
  const { context } = await isolatedContext(browser, base);
  const page = await context.newPage();
  await signUp(page, 'wish-user');
  await page.goto(`${base}/app/wishlists`);
  await page.getByRole('heading', { level: 1, name: 'Wishlists' }).waitFor();
  await expect(page.getByRole('textbox', { name: 'New wishlist' }).count()).resolves.toBe(1);
  // One element is named "New wishlist" (the field; its visible label is the name's text), not the form around it too.
  const tree = await page.locator('main').ariaSnapshot();
  expect(tree.match(/"New wishlist"/g)).toEqual(['"New wishlist"']);
  expect(tree).toMatch(/^\s*- textbox "New wishlist"$/m);
  await context.close();
});

it('an empty search result shows no Previous/Next', async () => {
  const { context } = await isolatedContext(browser, base);
  const page = await context.newPage();
  await signUp(page, 'search-user');
  await page.goto(`${base}/app/products`);
  await page.getByLabel('Search products').fill('no product has this name');
  await page.getByLabel('Search products').press('Enter');
  await page.getByText('No products match “no product has this name”.').waitFor();
  await expect(page.getByRole('button', { name: /Previous page|Next page/ }).count()).resolves.toBe(0);
  await expect(page.getByRole('navigation', { name: 'Pages' }).count()).resolves.toBe(0);
  await context.close();
});

it('the sign-up form says the username rule means ASCII letters, in its hint and the browser refusal', async () => {
  const { context } = await isolatedContext(browser, base);
  const page = await context.newPage();
  await page.goto(`${base}/app/`);
  await page.getByRole('button', { name: 'Create an account' }).click();
  const username = page.getByLabel('Username');
  // Its description, read the way a screen reader finds it (this file is compiled without the DOM's types).
  const described = await username.evaluate((el: any) =>
    String(el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id: string) => el.ownerDocument.getElementById(id)?.textContent ?? '')
      .join(' '),
  );
  expect(described).toMatch(/ASCII letters/);
  // A non-ASCII letter: the browser refuses it (the field's pattern), its bubble showing the title under "match the
  // requested format"; the server's error saying ASCII is checked in auth.resolvers.test.
  await username.fill('zoë');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByLabel('Password').press('Enter');
  expect(await username.evaluate((el: any) => el.validity.patternMismatch)).toBe(true);
  expect(await username.getAttribute('title')).toMatch(/ASCII letters/);
  await expect(page.getByRole('heading', { level: 1, name: /^Hello/ }).count()).resolves.toBe(0);
  await context.close();
});
