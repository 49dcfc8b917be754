import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { TestClock } from '../helpers/clock';
import { freePort } from '../helpers/process';
import { createTestServer, register, type TestServer } from '../helpers/server';
import { totpAt } from '../helpers/mfa';
import { axeViolations, isolatedContext, launch, report, Shots, watch } from './browser';

/**
 * Second factors in Chromium: TOTP enrolment with the on-page QR code, recovery codes, a passkey on Chromium's
 * virtual authenticator (CDP WebAuthn domain), the two-step login both ways, passwordless sign-in, the step-up
 * prompt, and a cloned authenticator whose counter went back. The app is served on localhost (a valid RP id).
 */

const PASSWORD = 'correct horse battery';

class WallClock extends TestClock {
  override now(): Date {
    return new Date();
  }
}

let server: TestServer;
let base: string;
let browser: Browser;
let shots: Shots;
let ctx: { context: BrowserContext; outside: string[] };
let page: Page;
let cdp: CDPSession;
let authenticatorId: string;
let secret = '';
let recoveryCodes: string[] = [];
const problems: string[] = [];

const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

async function expectNoAxeProblems(name: string) {
  const violations = await axeViolations(page);
  if (violations.length) report(shots.dir, `axe-${name}`, violations);
  expect(violations.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

/** Signed in again (the app stays on the page it was on). */
const signedIn = () => page.getByRole('button', { name: 'Log out' }).waitFor();

async function logOut() {
  await page.getByRole('button', { name: 'Log out' }).click();
  await heading('Welcome to tokengate').waitFor();
}

async function passwordStep() {
  await page.getByLabel('Username').fill('keyholder');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Password').press('Enter');
  await page.getByRole('heading', { name: 'Second step' }).waitFor();
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://localhost:${port}`;
  server = await createTestServer({ NODE_ENV: 'development', LOG_LEVEL: 'silent', PORT: String(port), PUBLIC_URL: base }, new WallClock());
  await register(server, 'keyholder', PASSWORD);
  browser = await launch();
  shots = new Shots('mfa');
  ctx = await isolatedContext(browser, base);
  page = await ctx.context.newPage();
  problems.push(...watch(page));
  cdp = await ctx.context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  }));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('second factors in the web app', () => {
  it('enrols TOTP with a QR code drawn on the page and shows the recovery codes once', async () => {
    await page.goto(`${base}/app/`);
    await page.getByLabel('Username').fill('keyholder');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await signedIn();
    await nav('Security').click();
    await heading('Security').waitFor();
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const qr = page.getByRole('img', { name: /QR code/ });
    await qr.waitFor();
    expect(await qr.evaluate((el: { tagName: string }) => el.tagName.toLowerCase())).toBe('svg');
    secret = (await page.locator('code.secret').innerText()).replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await shots.take(page, 'totp-qr');
    await expectNoAxeProblems('totp-qr');
    await page.getByLabel('6-digit code from the app').fill(totpAt(secret, new Date()));
    await page.getByLabel('6-digit code from the app').press('Enter');
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    recoveryCodes = await page.locator('ol.codes code').allInnerTexts();
    expect(recoveryCodes).toHaveLength(10);
    const download = page.getByRole('link', { name: 'Download codes' });
    expect(await download.getAttribute('download')).toBe('tokengate-recovery-codes.txt');
    expect(decodeURIComponent((await download.getAttribute('href'))!)).toContain(recoveryCodes[0]);
    await page.getByText('Two-step sign-in is on').waitFor();
    await shots.take(page, 'recovery-codes');
    await expectNoAxeProblems('recovery-codes');
  });

  it('adding a passkey asks for a step-up (this session had no second factor), then registers on the virtual authenticator', async () => {
    await page.getByLabel('Name for the new passkey (optional)').fill('Virtual key');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    await expectNoAxeProblems('step-up');
    await page.getByLabel('Password for keyholder').fill(PASSWORD);
    await page.getByLabel('Password for keyholder').press('Enter');
    // Keyboard only: the code field, typed, Enter.
    const code = page.getByLabel('Code from your authenticator app, or a recovery code');
    await code.focus();
    await page.keyboard.type(recoveryCodes[0]);
    await page.keyboard.press('Enter');
    await page.getByText('Passkey “Virtual key” added.').waitFor();
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0].isResidentCredential).toBe(true);
    await page.getByText('Virtual key').first().waitFor();
    await shots.take(page, 'passkey-added');
    await expectNoAxeProblems('passkeys');
  });

  it('renames the passkey with the keyboard', async () => {
    await page.getByRole('button', { name: 'Rename Virtual key' }).focus();
    await page.keyboard.press('Enter');
    const field = page.getByLabel('New name');
    await field.fill('Laptop key');
    await field.press('Enter');
    await page.getByRole('button', { name: 'Rename Laptop key' }).waitFor();
  });

  it('signs in with the password and then the passkey', async () => {
    await logOut();
    await passwordStep();
    await expectNoAxeProblems('second-step');
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await signedIn();
  });

  it('signs in with the password and a TOTP code', async () => {
    await logOut();
    await passwordStep();
    // A code of a later step than any used so far (enrolment used the current one).
    await page.getByLabel('Code from your authenticator app, or a recovery code').fill(totpAt(secret, new Date(Date.now() + 30_000)));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await signedIn();
  });

  it('signs in with a passkey alone ("Sign in with a passkey")', async () => {
    await logOut();
    await expectNoAxeProblems('login-with-passkey-button');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await signedIn();
    await shots.take(page, 'passwordless');
  });

  it('refuses a cloned authenticator whose counter went back', async () => {
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    const stale = credentials[0];
    await logOut();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await signedIn();
    // The same key with the counter it had before that sign-in: what a copy of the authenticator would send.
    await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: stale.credentialId });
    await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: { ...stale, signCount: stale.signCount - 1 } });
    await logOut();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('alert').filter({ hasText: 'it may have been copied' }).waitFor();
    await shots.take(page, 'cloned');
  });

  it('asked nothing outside the server and logged no errors', () => {
    expect(ctx.outside).toEqual([]);
    expect(problems.filter((p) => !/status of 40[13]/.test(p))).toEqual([]);
  });
});
