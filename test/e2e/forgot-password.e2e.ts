import { createServer, type AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { createTestServer, type TestServer } from '../helpers/server';
import { TestSmtp } from '../helpers/smtp';
import { registerWithEmail, VERIFY } from '../helpers/email';
import { isolatedContext, launch, Shots, watch } from './browser';

/** A person who forgot their password gets back in from the login screen, with the link from a real (test) SMTP server. */

let server: TestServer;
let smtp: TestSmtp;
let browser: Browser;
let page: Page;
let problems: string[];
let shots: Shots;

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  smtp = await TestSmtp.start();
  const port = await freePort();
  const root = `http://127.0.0.1:${port}`;
  server = await createTestServer({ NODE_ENV: 'development', LOG_LEVEL: 'silent', PORT: String(port), PUBLIC_URL: root, SMTP_URL: smtp.url, MAIL_FROM: 'tokengate <auth@app.test>' });
  await registerWithEmail(server, 'robin', 'robin@example.com');
  const [confirm] = await smtp.waitFor(1);
  await server.gql(VERIFY, { token: confirm.token });
  browser = await launch();
  shots = new Shots('forgot-password');
  page = await (await isolatedContext(browser, root)).context.newPage();
  problems = watch(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await smtp?.stop();
});

it('"Forgot your password?" on the login screen sends a link; the link sets a new password and signs in', async () => {
  await page.goto(server.url.replace(/\/graphql$/, '/app/'));
  await page.getByRole('button', { name: 'Forgot your password?' }).click();
  await page.getByLabel('E-mail address').fill('Robin@Example.com');
  await page.getByRole('button', { name: 'Send the link' }).click();
  await page.getByText('If an account uses Robin@Example.com, a link is on its way.').waitFor();
  await shots.take(page, 'forgot-sent');

  const mails = await smtp.waitFor(2);
  const reset = mails[1];
  expect(reset).toMatchObject({ to: 'robin@example.com', subject: 'Reset your password' });
  expect(reset.link).toMatch(/\/app\/reset-password#token=tge_/);

  await page.goto(reset.link!);
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  expect(page.url()).not.toContain('token='); // taken out of the address bar and history
  await page.getByLabel('New password', { exact: true }).fill('a fresh passphrase for robin');
  await page.getByLabel('New password again').fill('a fresh passphrase for robin');
  await shots.take(page, 'reset-form');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();

  await page.goto(server.url.replace(/\/graphql$/, '/app/account'));
  await page.getByText('robin@example.com').waitFor();
  await page.getByText('— confirmed').waitFor();
  await shots.take(page, 'account-email');

  // The same link a second time: refused, with the way to a new one.
  await page.goto(reset.link!);
  await page.getByRole('button', { name: 'Set the new password' }).waitFor();
  await page.getByLabel('New password', { exact: true }).fill('yet another passphrase 9');
  await page.getByLabel('New password again').fill('yet another passphrase 9');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await page.getByText('This link was already used; ask for a new one.').waitFor();
  expect(problems).toEqual([]);
});
