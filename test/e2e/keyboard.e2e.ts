import type { Browser, Locator, Page } from 'playwright-core';
import { createTestServer, type TestServer } from '../helpers/server';
import { RunningClock } from '../helpers/dpop';
import { CREATE_PRODUCT, makeAdmin, ok } from '../helpers/shop';
import { isolatedContext, launch, Shots, watch } from './browser';

/** Every screen with the keyboard alone: focus moves only by Tab / Shift+Tab, actions only by Enter or Space. */

let server: TestServer;
let browser: Browser;
let page: Page;
let shots: Shots;
const problems: string[] = [];

/** Whether `target` (which must be on the page) has the focus; a quick look, not a wait. */
const isFocused = (target: Locator) => target.evaluate((el) => el === (el.ownerDocument as { activeElement: unknown }).activeElement, undefined, { timeout: 1000 }).catch(() => false);

/** Presses Tab (or Shift+Tab) until `target` has the focus; fails if it is not reachable within `max` presses. */
async function tabTo(target: Locator, { backwards = false, max = 60 } = {}): Promise<void> {
  await target.waitFor();
  for (let i = 0; i < max; i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  if (await isFocused(target)) return;
  throw new Error(`not reachable with the keyboard: ${target}`);
}

const heading = (name: string) => page.getByRole('heading', { level: 1, name });
const navLink = (name: string | RegExp) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: typeof name === 'string' });
const button = (name: string) => page.getByRole('button', { name, exact: true });

beforeAll(async () => {
  // Real time: the app's DPoP proofs carry the browser's clock, which a frozen server clock would fall behind.
  server = await createTestServer({ NODE_ENV: 'development', LOG_LEVEL: 'silent' }, new RunningClock());
  const admin = await makeAdmin(server, 'shopkeeper');
  await ok(server.gql(CREATE_PRODUCT, { input: { name: 'Test Reading Light', priceCents: 3450 } }, { token: admin.accessToken }), 'createProduct');
  browser = await launch();
  shots = new Shots('keyboard');
  const { context } = await isolatedContext(browser, server.url.replace(/\/graphql$/, ''));
  page = await context.newPage();
  problems.push(...watch(page));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('keyboard only', () => {
  it('signs up', async () => {
    await page.goto(server.url.replace(/\/graphql$/, '/app/'));
    await heading('Welcome to tokengate').waitFor();
    await tabTo(button('Create an account'));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await tabTo(page.getByLabel('Username'), { backwards: true });
    await page.keyboard.type('kim');
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByLabel('Password'))).toBe(true);
    await page.keyboard.type('correct horse battery');
    await page.keyboard.press('Enter');
    await heading('Hello, kim').waitFor();
    await shots.take(page, 'home');
  });

  it('the skip link moves the focus to the page', async () => {
    await tabTo(page.getByRole('link', { name: 'Skip to content' }), { backwards: true });
    await shots.take(page, 'skip-link');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
  });

  it('searches the products and adds one to the cart', async () => {
    await tabTo(navLink('Products'), { backwards: true });
    await page.keyboard.press('Enter');
    await heading('Products').waitFor();
    await tabTo(page.getByLabel('Search products'));
    await page.keyboard.type('reading');
    await page.keyboard.press('Enter');
    await page.getByText('1 product matching “reading”; page 1 of 1.').waitFor();
    await tabTo(button('Add to cart: Test Reading Light'));
    await page.keyboard.press('Enter');
    await page.getByText('In your cart: 1.').waitFor();
  });

  it('changes the quantity in the cart', async () => {
    await tabTo(navLink(/^Cart/), { backwards: true });
    await page.keyboard.press('Enter');
    await heading('Your cart').waitFor();
    await tabTo(button('One more Test Reading Light'));
    await page.keyboard.press('Space');
    await page.getByTestId('cart-count').filter({ hasText: '2 items' }).waitFor();
    await shots.take(page, 'cart');
  });

  it('creates, renames and deletes a wishlist', async () => {
    await tabTo(navLink('Wishlists'), { backwards: true });
    await page.keyboard.press('Enter');
    await heading('Wishlists').waitFor();
    await tabTo(page.getByRole('textbox', { name: 'New wishlist' }));
    await page.keyboard.type('Keys');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Keys' }).waitFor();
    await tabTo(button('Rename Keys'));
    await page.keyboard.press('Enter');
    expect(await isFocused(page.getByLabel('New name'))).toBe(true);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Keyboard');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Keyboard' }).waitFor();
    await tabTo(button('Delete Keyboard'), { backwards: true });
    await page.keyboard.press('Enter');
    expect(await isFocused(button('Yes, delete “Keyboard”'))).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByText('No wishlists yet.').waitFor();
  });

  it('reaches the sessions and the password form', async () => {
    await tabTo(navLink('Sessions'), { backwards: true });
    await page.keyboard.press('Enter');
    await heading('Where you are signed in').waitFor();
    await tabTo(button('Sign out everywhere'));
    await tabTo(navLink('Password'), { backwards: true });
    await page.keyboard.press('Enter');
    await heading('Change your password').waitFor();
    await tabTo(page.getByRole('form', { name: 'Change password' }).getByLabel('Current password'));
    await page.keyboard.type('correct horse battery');
    await page.keyboard.press('Tab');
    await page.keyboard.type('a brand new horse battery');
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByLabel('New password again'))).toBe(true);
    await page.keyboard.type('a brand new horse battery');
    await page.keyboard.press('Enter');
    // Right after sign-up the token is fresh (no prompt); if it was refreshed meanwhile, the prompt takes the password.
    const prompt = page.getByLabel('Password for kim');
    await Promise.race([page.getByText('Your password was changed.').waitFor(), prompt.waitFor()]);
    if (await prompt.isVisible()) {
      expect(await isFocused(prompt)).toBe(true);
      await page.keyboard.type('correct horse battery');
      await page.keyboard.press('Enter');
    }
    await page.getByText('Your password was changed.').waitFor();
  });

  it('logs out and in again', async () => {
    await tabTo(button('Log out'), { backwards: true });
    await page.keyboard.press('Enter');
    await heading('Welcome to tokengate').waitFor();
    await tabTo(page.getByLabel('Username'));
    await page.keyboard.type('kim');
    await page.keyboard.press('Tab');
    await page.keyboard.type('a brand new horse battery');
    await page.keyboard.press('Enter');
    // Signed in again where they left: the address stayed /app/account.
    await heading('Change your password').waitFor();
    await page.getByText('Signed in as kim').waitFor();
    expect(problems).toEqual([]);
  });
});
