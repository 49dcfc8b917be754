import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { RunningClock } from '../helpers/dpop';
import { createTestServer, login, REGISTER, type TestServer } from '../helpers/server';
import { makeAdmin, ok, PASSWORD } from '../helpers/shop';
import { axeViolations, isolatedContext, launch, report, Shots, watch } from './browser';

/**
 * The admin console in Chromium as an ADMIN and as a SUPPORT role (users:read + audit:read): each sees and can do
 * what its permissions say and no more; the server refuses the rest however it is asked.
 */

const DOCS_IMG = join(__dirname, '../../docs/img');

let server: TestServer;
let base: string;
let browser: Browser;
let shots: Shots;
let admin: { context: BrowserContext; page: Page };
let alice: { context: BrowserContext; page: Page };
let support: { context: BrowserContext; page: Page };
let adminToken: string;
let aliceId: string;
const problems: string[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name });
const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
const adminNav = (page: Page) => page.getByRole('navigation', { name: 'Admin' });

/** Screenshots for docs/admin.md, refreshed with UPDATE_DOCS_IMG=1 (like app.e2e.ts). */
async function docShot(page: Page, name: string) {
  const file = await shots.take(page, name);
  if (process.env.UPDATE_DOCS_IMG) {
    mkdirSync(DOCS_IMG, { recursive: true });
    copyFileSync(file, join(DOCS_IMG, `admin-${name}.png`));
  }
}

async function expectNoAxeProblems(page: Page, name: string) {
  const violations = await axeViolations(page);
  if (violations.length) report(shots.dir, `axe-admin-${name}`, violations);
  expect(violations.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

async function openContext(): Promise<{ context: BrowserContext; page: Page }> {
  const { context } = await isolatedContext(browser, base);
  const page = await context.newPage();
  problems.push(...watch(page));
  return { context, page };
}

async function signIn(page: Page, username: string) {
  await page.goto(`${base}/app/`);
  await heading(page, 'Welcome to tokengate').waitFor();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Password').press('Enter');
  await heading(page, `Hello, ${username}`).waitFor();
}

/** The console's own GraphQL, from Node with the admin's bearer token (a session without DPoP). */
const api = (query: string, variables?: Record<string, unknown>) => server.gql(query, variables, { token: adminToken });

/** A plain HTTP request with an API token, as curl would send it. */
async function withApiToken(secret: string) {
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body: JSON.stringify({ query: '{ me { username } }' }) });
  return { status: res.status, body: (await res.json()) as { data?: { me?: { username: string } }; errors?: Array<{ extensions?: Record<string, unknown> }> } };
}

/** Whether `target` has the focus. */
const isFocused = (target: Locator) => target.evaluate((el) => el === (el.ownerDocument as { activeElement: unknown }).activeElement, undefined, { timeout: 1000 }).catch(() => false);

/** Tab (or Shift+Tab) until `target` has the focus; fails if it is not reachable. */
async function tabTo(page: Page, target: Locator, { backwards = false, max = 80 } = {}) {
  await target.waitFor();
  for (let i = 0; i < max; i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  if (!(await isFocused(target))) throw new Error(`not reachable with the keyboard: ${target}`);
}

beforeAll(async () => {
  // Real time: the app's DPoP proofs carry the browser's clock.
  server = await createTestServer({ NODE_ENV: 'development', LOG_LEVEL: 'silent' }, new RunningClock());
  base = server.url.replace(/\/graphql$/, '');
  adminToken = (await makeAdmin(server, 'root')).accessToken;
  const a = await ok(server.gql(REGISTER, { input: { username: 'alice', password: PASSWORD, email: 'alice@example.test' } }), 'register');
  aliceId = a.user.id;
  // A token of alice's, for the admin to revoke from her page (register is a fresh login).
  await ok(server.gql('mutation { createApiToken(name: "alice script", scopes: [], expiresInDays: 30) { apiToken { id } } }', {}, { token: a.accessToken }), 'createApiToken');
  const sam = await ok(server.gql(REGISTER, { input: { username: 'sam', password: PASSWORD } }), 'register');
  await ok(api('mutation { createRole(name: "SUPPORT", permissions: ["users:read", "audit:read"], description: "Support staff: read people and the trail") { name } }'), 'createRole');
  await ok(api('mutation ($id: ID!) { grantRole(userId: $id, role: "SUPPORT") { id } }', { id: sam.user.id }), 'grantRole');
  browser = await launch();
  shots = new Shots('admin');
  admin = await openContext();
  await admin.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  alice = await openContext();
  support = await openContext();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the admin console as ADMIN', () => {
  it('shows the Admin area with every page, and API tokens for everyone', async () => {
    await signIn(alice.page, 'alice');
    // alice holds no admin permission: API tokens, no Admin.
    await mainNav(alice.page).getByRole('link', { name: 'API tokens' }).waitFor();
    expect(await mainNav(alice.page).getByRole('link', { name: 'Admin' }).count()).toBe(0);

    await signIn(admin.page, 'root');
    await mainNav(admin.page).getByRole('link', { name: 'Admin', exact: true }).click();
    await heading(admin.page, 'Admin').waitFor();
    expect(await adminNav(admin.page).getByRole('link').allInnerTexts()).toEqual(['People', 'Roles', 'Audit trail', 'Activity']);
    await expectNoAxeProblems(admin.page, 'home');
  });

  it('finds a person by search and orders by last sign-in', async () => {
    await adminNav(admin.page).getByRole('link', { name: 'People' }).click();
    await heading(admin.page, 'People').waitFor();
    await admin.page.getByText('3 accounts, page 1.').waitFor();
    await admin.page.getByLabel('Order').selectOption('LAST_SIGN_IN_DESC');
    await admin.page.getByRole('button', { name: 'Search' }).click();
    // root signed in last (just now), then alice (in her browser), then sam (never).
    // (A locator, not waitForFunction: that evaluates a string, which the app's CSP refuses.)
    await admin.page.locator('table.data tbody tr th').first().filter({ hasText: /^root$/ }).waitFor();
    expect(await admin.page.locator('table.data tbody tr th').allInnerTexts()).toEqual(['root', 'alice', 'sam']);
    await admin.page.getByLabel('Username or e-mail contains').fill('EXAMPLE.test');
    await admin.page.getByRole('button', { name: 'Search' }).click();
    await admin.page.getByText('1 account matching “EXAMPLE.test”, page 1.').waitFor();
    await docShot(admin.page, 'people');
    await expectNoAxeProblems(admin.page, 'people');
  });

  it("shows a person's page: state, roles, e-mail, factors, methods, sessions, tokens, trail", async () => {
    await admin.page.getByRole('link', { name: 'alice' }).click();
    await heading(admin.page, 'alice').waitFor();
    const facts = await admin.page.getByTestId('person-facts').innerText();
    expect(facts).toMatch(/State\s+Active/);
    expect(facts).toMatch(/alice@example\.test \(not verified\)/);
    expect(await admin.page.getByTestId('person-roles').innerText()).toMatch(/^USER/);
    expect(await admin.page.getByTestId('person-factors').innerText()).toMatch(/TOTP\): off/);
    expect(await admin.page.getByTestId('person-methods').innerText()).toMatch(/Password: yes/);
    await admin.page.getByRole('button', { name: /^End session: Chrome/ }).waitFor();
    await admin.page.getByRole('rowheader', { name: 'alice script' }).waitFor();
    await admin.page.getByTestId('person-audit').getByText('REGISTERED').waitFor();
    await docShot(admin.page, 'person');
    await expectNoAxeProblems(admin.page, 'person');
  });

  it('asks before acting, in an accessible dialog (Escape cancels, focus returns)', async () => {
    const deactivate = admin.page.getByRole('button', { name: 'Deactivate' });
    await deactivate.click();
    const dialog = admin.page.getByRole('dialog', { name: 'Deactivate alice?' });
    await dialog.waitFor();
    expect(await isFocused(dialog.getByRole('button', { name: 'Cancel' }))).toBe(true);
    await docShot(admin.page, 'confirm');
    await expectNoAxeProblems(admin.page, 'confirm');
    await admin.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await isFocused(deactivate)).toBe(true);
    expect(await admin.page.getByTestId('person-facts').innerText()).toMatch(/State\s+Active/);
  });

  it("deactivating alice sends her open web app to the login screen within 3 s; reactivating lets her back", async () => {
    await alice.page.goto(`${base}/app/cart`);
    await heading(alice.page, 'Your cart').waitFor();
    await admin.page.getByRole('button', { name: 'Deactivate' }).click();
    await admin.page.getByRole('dialog', { name: 'Deactivate alice?' }).getByRole('button', { name: 'Yes, deactivate' }).click();
    const started = Date.now();
    await heading(alice.page, 'Welcome to tokengate').waitFor({ timeout: 3000 });
    expect(Date.now() - started).toBeLessThan(3000);
    await alice.page.getByText('Your account has been deactivated.').waitFor();
    await admin.page.getByText('alice is deactivated.').waitFor();
    expect(await admin.page.getByTestId('person-facts').innerText()).toMatch(/State\s+Deactivated/);
    // Her sessions ended with it.
    await admin.page.getByText('No open sessions.').waitFor();

    await admin.page.getByRole('button', { name: 'Reactivate' }).click();
    await admin.page.getByRole('dialog', { name: 'Reactivate alice?' }).getByRole('button', { name: 'Yes, reactivate' }).click();
    await admin.page.getByText('alice is active again.').waitFor();
    const audit = await ok(api('query ($id: ID!) { auditEvents(first: 5, filter: { userId: $id, types: [USER_DEACTIVATED, USER_ACTIVATED] }) { edges { node { type actorId } } } }', { id: aliceId }), 'auditEvents');
    const rootId = (await ok(api('{ me { id } }'), 'me')).id;
    expect(audit.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { type: 'USER_ACTIVATED', actorId: rootId },
      { type: 'USER_DEACTIVATED', actorId: rootId },
    ]);
  });

  it('grants and revokes a role, ends every session, sends a reset mail and revokes an API token, each confirmed', async () => {
    await signIn(alice.page, 'alice');
    await admin.page.reload();
    await heading(admin.page, 'alice').waitFor();

    await admin.page.getByLabel('Role to grant').selectOption('SUPPORT');
    await admin.page.getByRole('button', { name: 'Grant…' }).click();
    await admin.page.getByRole('dialog', { name: 'Grant SUPPORT to alice?' }).getByRole('button', { name: 'Yes, grant' }).click();
    await admin.page.getByText('SUPPORT granted to alice.').waitFor();
    await admin.page.getByTestId('person-roles').getByText('SUPPORT').waitFor();
    await admin.page.getByRole('button', { name: 'Revoke the role SUPPORT' }).click();
    await admin.page.getByRole('dialog', { name: 'Revoke SUPPORT from alice?' }).getByRole('button', { name: 'Yes, revoke' }).click();
    await admin.page.getByText('SUPPORT revoked from alice.').waitFor();

    await admin.page.getByRole('button', { name: 'Send a password-reset mail' }).click();
    await admin.page.getByRole('dialog', { name: 'Send alice a password-reset mail?' }).getByRole('button', { name: 'Yes, send it' }).click();
    await admin.page.getByText('A password-reset mail is on its way to alice@example.test.').waitFor();

    // Deactivation stopped her first token; a new one, made right after a sign-in of hers.
    const fresh = await login(server, 'alice', PASSWORD);
    const cron = (await ok(server.gql('mutation { createApiToken(name: "alice cron", scopes: [], expiresInDays: 30) { token } }', {}, { token: fresh.accessToken }), 'createApiToken')).token;
    expect((await withApiToken(cron)).body.data?.me?.username).toBe('alice');
    await admin.page.reload();
    await admin.page.getByRole('button', { name: 'Revoke the API token alice cron' }).click();
    await admin.page.getByRole('dialog', { name: 'Revoke the API token “alice cron”?' }).getByRole('button', { name: 'Yes, revoke' }).click();
    await admin.page.getByText('The token “alice cron” is revoked.').waitFor();
    expect((await withApiToken(cron)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // One session: her browser's (the script's login stays open).
    await admin.page.getByRole('button', { name: /^End session: Chrome/ }).click();
    await admin.page.getByRole('dialog', { name: 'End this session?' }).getByRole('button', { name: 'Yes, end it' }).click();
    await admin.page.getByText('The session is ended.').waitFor();
    await heading(alice.page, 'Welcome to tokengate').waitFor({ timeout: 3000 });
    expect(await admin.page.getByRole('button', { name: /^End session: / }).count()).toBe(1);
    // Then every one left.
    await admin.page.getByRole('button', { name: 'End every session' }).click();
    await admin.page.getByRole('dialog', { name: 'End every session of alice?' }).getByRole('button', { name: 'Yes, end them all' }).click();
    await admin.page.getByText('Every session of alice is ended.').waitFor();
    await admin.page.getByText('No open sessions.').waitFor();
    const script = await server.gql('{ me { id } }', {}, { token: fresh.accessToken });
    expect(script.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const types = (await ok(api('query ($id: ID!) { auditEvents(first: 20, userId: $id) { edges { node { type } } } }', { id: aliceId }), 'auditEvents')).edges.map((e: { node: { type: string } }) => e.node.type);
    expect(types).toEqual(expect.arrayContaining(['ROLE_GRANTED', 'ROLE_REVOKED', 'PASSWORD_RESET_SENT', 'API_TOKEN_REVOKED', 'SESSION_REVOKED', 'LOGOUT_ALL']));
  });

  it('manages roles: the catalogue in words, holder counts, create with checkboxes, delete', async () => {
    await adminNav(admin.page).getByRole('link', { name: 'Roles' }).click();
    await heading(admin.page, 'Roles and permissions').waitFor();
    expect(await admin.page.getByTestId('catalogue').innerText()).toMatch(/audit:read\s+Read the audit trail/);
    expect(await admin.page.getByTestId('roles').getByRole('row', { name: /SUPPORT/ }).innerText()).toMatch(/users:read, audit:read\s+1 person/);
    const form = admin.page.getByRole('form', { name: 'Create a role' });
    await form.getByLabel('Name').fill('AUDITOR');
    await form.getByLabel('Description').fill('Reads the trail');
    await form.getByRole('checkbox', { name: 'audit:read' }).check();
    await form.getByRole('button', { name: 'Create the role' }).click();
    await admin.page.getByText('The role AUDITOR is created.').waitFor();
    await admin.page.getByTestId('roles').getByRole('row', { name: /AUDITOR/ }).getByText('0 people').waitFor();
    await docShot(admin.page, 'roles');
    await expectNoAxeProblems(admin.page, 'roles');
    // Edit: the form opens with its heading focused and the role's permissions ticked.
    await admin.page.getByRole('button', { name: 'Edit the role AUDITOR' }).click();
    const edit = admin.page.getByRole('form', { name: 'Edit the role AUDITOR' });
    expect(await isFocused(admin.page.getByRole('heading', { name: 'Edit AUDITOR' }))).toBe(true);
    expect(await edit.getByRole('checkbox', { name: 'audit:read' }).isChecked()).toBe(true);
    await edit.getByRole('checkbox', { name: 'users:read' }).check();
    await edit.getByRole('button', { name: 'Save the role' }).click();
    await admin.page.getByText('The role AUDITOR is saved.').waitFor();
    await admin.page.getByTestId('roles').getByRole('row', { name: /AUDITOR/ }).filter({ hasText: 'users:read, audit:read' }).waitFor();
    await admin.page.getByRole('button', { name: 'Delete the role AUDITOR' }).click();
    await admin.page.getByRole('dialog', { name: 'Delete the role AUDITOR?' }).getByRole('button', { name: 'Yes, delete' }).click();
    await admin.page.getByText('The role AUDITOR is deleted.').waitFor();
    expect(await admin.page.getByTestId('roles').getByRole('row', { name: /AUDITOR/ }).count()).toBe(0);
  });

  it('makes an API token that works with a plain HTTP request and dies when revoked there', async () => {
    await mainNav(admin.page).getByRole('link', { name: 'API tokens' }).click();
    await heading(admin.page, 'API tokens').waitFor();
    await admin.page.getByLabel('Name').fill('nightly export');
    await admin.page.getByLabel('Expires after').selectOption('7');
    // roles:manage is never carried by a token: it is not offered.
    expect(await admin.page.getByRole('checkbox', { name: 'roles:manage' }).count()).toBe(0);
    await admin.page.getByRole('checkbox', { name: 'users:read' }).check();
    await admin.page.getByRole('button', { name: 'Create the token' }).click();
    // The page was reloaded (a refreshed session is never a recent sign-in): minting a token asks for the password first.
    await admin.page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    await admin.page.getByLabel('Password for root').fill(PASSWORD);
    await admin.page.getByRole('button', { name: 'Confirm', exact: true }).click();
    const secretField = admin.page.getByTestId('new-token');
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^tg_pat_/);
    await admin.page.getByRole('button', { name: 'Copy the token' }).click();
    await admin.page.getByText('Copied to the clipboard.').waitFor();
    expect(await admin.page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    await docShot(admin.page, 'api-tokens');
    await expectNoAxeProblems(admin.page, 'api-tokens');

    const used = await withApiToken(secret);
    expect(used.status).toBe(200);
    expect(used.body.data?.me?.username).toBe('root');
    await admin.page.getByRole('button', { name: 'I have saved it' }).click();
    // Shown once: after a reload the secret is nowhere on the page.
    await admin.page.reload();
    await admin.page.getByRole('rowheader', { name: 'nightly export' }).waitFor();
    expect(await admin.page.content()).not.toContain(secret);
    await admin.page.getByRole('button', { name: 'Revoke the token nightly export' }).click();
    await admin.page.getByRole('dialog', { name: 'Revoke “nightly export”?' }).getByRole('button', { name: 'Yes, revoke' }).click();
    await admin.page.getByText('“nightly export” is revoked.').waitFor();
    const refused = await withApiToken(secret);
    expect(refused.body.data?.me ?? null).toBeNull();
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('the audit live tail shows a failed sign-in made in another browser within 2 s', async () => {
    await mainNav(admin.page).getByRole('link', { name: 'Admin', exact: true }).click();
    await adminNav(admin.page).getByRole('link', { name: 'Audit trail' }).click();
    await heading(admin.page, 'Audit trail').waitFor();
    await admin.page.getByRole('button', { name: 'Start the live tail' }).click();
    await admin.page.getByText('Waiting for events…').waitFor();
    // The subscription is open once the socket has said so; a moment for its subscribe message to arrive.
    await sleep(500);
    const other = await openContext();
    await other.page.goto(`${base}/app/`);
    await heading(other.page, 'Welcome to tokengate').waitFor();
    await other.page.getByLabel('Username').fill('alice');
    await other.page.getByLabel('Password').fill('not her password');
    await other.page.getByLabel('Password').press('Enter');
    await other.page.getByRole('alert').waitFor();
    const started = Date.now();
    await admin.page.getByTestId('live-tail').getByText('LOGIN_FAILED').waitFor({ timeout: 2000 });
    expect(Date.now() - started).toBeLessThan(2000);
    await other.context.close();
    await docShot(admin.page, 'audit');
    await expectNoAxeProblems(admin.page, 'audit');
  });

  it('filters the trail and exports the filtered rows as CSV and NDJSON', async () => {
    await admin.page.getByLabel('Event types').selectOption(['LOGIN_FAILED', 'LOGIN_SUCCEEDED']);
    await admin.page.getByLabel('Outcome').selectOption('FAILURE');
    await admin.page.getByLabel('Subject (account id)').fill(aliceId);
    await admin.page.getByRole('button', { name: 'Apply the filters' }).click();
    const expected = (await ok(api('query ($id: ID!) { auditEvents(first: 100, filter: { userId: $id, types: [LOGIN_FAILED, LOGIN_SUCCEEDED], outcome: FAILURE }) { totalCount edges { node { id } } } }', { id: aliceId }), 'auditEvents'));
    expect(expected.totalCount).toBeGreaterThanOrEqual(1);
    await admin.page.getByText(`${expected.totalCount === 1 ? '1 event' : `${expected.totalCount} events`} match, page 1.`).waitFor();
    expect(await admin.page.getByTestId('audit-rows').locator('tbody tr').count()).toBe(expected.totalCount);

    await admin.page.getByRole('button', { name: 'Export as CSV' }).click();
    const csvLink = admin.page.getByRole('link', { name: /^Download audit-.*\.csv$/ });
    await csvLink.waitFor();
    const [csv] = await Promise.all([admin.page.waitForEvent('download'), csvLink.click()]);
    const csvText = readFileSync((await csv.path())!, 'utf8');
    const lines = csvText.trimEnd().split('\r\n');
    expect(lines[0]).toBe('"id","at","type","outcome","userId","actorId","sessionId","ip","userAgent","detail"');
    expect(lines.slice(1).map((l) => JSON.parse(l.split(',')[0]))).toEqual(expected.edges.map((e: { node: { id: string } }) => e.node.id));

    await admin.page.getByRole('button', { name: 'Export as NDJSON' }).click();
    const ndLink = admin.page.getByRole('link', { name: /^Download audit-.*\.ndjson$/ });
    await ndLink.waitFor();
    const [nd] = await Promise.all([admin.page.waitForEvent('download'), ndLink.click()]);
    const rows = readFileSync((await nd.path())!, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.id)).toEqual(expected.edges.map((e: { node: { id: string } }) => e.node.id));
    expect(rows.every((r) => r.type === 'LOGIN_FAILED' && r.outcome === 'FAILURE' && r.userId === aliceId)).toBe(true);
    await admin.page.getByText(/^Ready: \d+ rows\./).waitFor();
  });

  it("the activity charts' numbers (table view) equal the audit rows they come from", async () => {
    await adminNav(admin.page).getByRole('link', { name: 'Activity' }).click();
    await heading(admin.page, 'Sign-in activity').waitFor();
    await admin.page.getByRole('button', { name: 'Show the numbers as a table' }).click();
    const table = admin.page.getByTestId('stats-table');
    await table.waitFor();
    const stats = await ok(api('{ authStats(range: LAST_24_HOURS) { from to buckets { start } } }'), 'authStats');
    expect(stats.buckets).toHaveLength(24);
    expect(await table.locator('tbody tr').count()).toBe(24);
    const count = async (types: string[]) =>
      (await ok(api('query ($f: AuditFilter) { auditEvents(first: 1, filter: $f) { totalCount } }', { f: { types, since: stats.from, until: stats.to } }), 'auditEvents')).totalCount;
    const shown = async (key: string) => Number(await table.locator(`tfoot [data-total="${key}"]`).innerText());
    expect(await shown('signIns')).toBe(await count(['LOGIN_SUCCEEDED']));
    expect(await shown('signIns')).toBeGreaterThanOrEqual(3);
    expect(await shown('signInFailures')).toBe(await count(['LOGIN_FAILED']));
    expect(await shown('signInFailures')).toBeGreaterThanOrEqual(1);
    expect(await shown('rateLimited')).toBe(await count(['LOGIN_LOCKED', 'RATE_LIMITED']));
    expect(await shown('refreshReuse')).toBe(await count(['REFRESH_REUSED']));
    // Hour by hour too: each row's sign-ins are that hour's LOGIN_SUCCEEDED rows.
    const rows: Array<{ start: string; signIns: number }> = await admin.page.evaluate(
      `[...document.querySelectorAll('[data-testid="stats-table"] tbody tr')].map((tr) => ({ start: tr.querySelector('time').getAttribute('datetime'), signIns: Number(tr.querySelector('[data-column="signIns"]').textContent) }))`,
    );
    for (const row of rows.filter((r) => r.signIns > 0)) {
      const until = new Date(new Date(row.start).getTime() + 3600_000).toISOString();
      const n = (await ok(api('query ($f: AuditFilter) { auditEvents(first: 1, filter: $f) { totalCount } }', { f: { types: ['LOGIN_SUCCEEDED'], since: row.start, until } }), 'auditEvents')).totalCount;
      expect(row.signIns).toBe(n);
    }
    // Readable without colour: every series names its pattern in the legend, and each chart has a text summary.
    expect(await admin.page.locator('.legend').first().innerText()).toMatch(/solid bars[\s\S]*hatched bars/);
    await docShot(admin.page, 'charts');
    await expectNoAxeProblems(admin.page, 'charts');
    await admin.page.getByRole('button', { name: 'Last 7 days' }).click();
    await table.locator('tbody tr').nth(167).waitFor();
    expect(await table.locator('tbody tr').count()).toBe(168);
    await expectNoAxeProblems(admin.page, 'charts-7d');
  });
});

describe('the admin console as SUPPORT (users:read + audit:read)', () => {
  it('sees people and the trail, not roles', async () => {
    await signIn(support.page, 'sam');
    await mainNav(support.page).getByRole('link', { name: 'Admin', exact: true }).click();
    await heading(support.page, 'Admin').waitFor();
    expect(await adminNav(support.page).getByRole('link').allInnerTexts()).toEqual(['People', 'Audit trail', 'Activity']);
    await support.page.goto(`${base}/app/admin/roles`);
    await heading(support.page, 'Not available').waitFor();
    await support.page.getByText('This page needs the roles:manage permission').waitFor();
  });

  it("sees a person's page without a single action button", async () => {
    await support.page.goto(`${base}/app/admin/people/${aliceId}`);
    await heading(support.page, 'alice').waitFor();
    await support.page.getByTestId('person-audit').getByText('USER_DEACTIVATED').waitFor();
    // "Was her account attacked?": the failed sign-in from the live-tail test, counted and named.
    expect(await support.page.getByTestId('person-failures').innerText()).toMatch(/in the last 24 hours: [1-9]\d* \(latest: LOGIN_FAILED at .+ from 127\.0\.0\.1\)/);
    await support.page.getByText('Reading and ending sessions needs the sessions:manage permission.').waitFor();
    await support.page.getByText("Listing and revoking another account's API tokens needs the api-tokens:manage permission.").waitFor();
    const buttons = await support.page.getByRole('main').getByRole('button').allInnerTexts();
    // Paging the trail is all there is.
    expect(buttons.filter((b) => !/^(Newer|Older) events$/.test(b))).toEqual([]);
    expect(await support.page.getByRole('form', { name: 'Grant a role' }).count()).toBe(0);
    await docShot(support.page, 'support-person');
    await expectNoAxeProblems(support.page, 'support-person');
  });

  it('a crafted setUserActive from its own page, with its own credentials, is refused', async () => {
    // Rewrite the body of the page's next real request (its token, DPoP proof and cookie stay): the server decides.
    let answer: (body: { data?: unknown; errors: Array<{ extensions: Record<string, unknown> }> }) => void;
    const answered = new Promise<Parameters<typeof answer>[0]>((resolve) => (answer = resolve));
    let crafted = false;
    await support.page.route('**/graphql', async (route) => {
      if (crafted || !/"operationName":"AdminUsers"/.test(route.request().postData() ?? '')) return route.continue();
      crafted = true;
      const response = await route.fetch({ postData: JSON.stringify({ query: 'mutation Crafted($id: ID!) { setUserActive(userId: $id, active: false) { id isActive } }', variables: { id: aliceId } }) });
      answer(await response.json());
      await route.fulfill({ response });
    });
    await adminNav(support.page).getByRole('link', { name: 'People' }).click();
    const body = await answered;
    expect(body.data ?? null).toBeNull();
    expect(body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE' });
    await support.page.unroute('**/graphql');
    const still = await ok(api('query ($id: ID!) { user(id: $id) { isActive } }', { id: aliceId }), 'user');
    expect(still.isActive).toBe(true);
    // And with a plain request, SUPPORT's bearer token gets the same answer.
    const sam = await login(server, 'sam', PASSWORD);
    const direct = await server.gql('mutation ($id: ID!) { setUserActive(userId: $id, active: false) { id } }', { id: aliceId }, { token: sam.accessToken });
    expect(direct.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE' });
  });

  it('reads the trail and the charts', async () => {
    await adminNav(support.page).getByRole('link', { name: 'Audit trail' }).click();
    await heading(support.page, 'Audit trail').waitFor();
    await support.page.getByTestId('audit-rows').getByText('LOGIN_FAILED').first().waitFor();
    await adminNav(support.page).getByRole('link', { name: 'Activity' }).click();
    await heading(support.page, 'Sign-in activity').waitFor();
  });
});

describe('the admin console as a role keeper (roles:manage + users:read)', () => {
  it('may hand out only what it holds: other permissions disabled with the reason, ADMIN not offered', async () => {
    const kim = await ok(server.gql(REGISTER, { input: { username: 'kim', password: PASSWORD } }), 'register');
    await ok(api('mutation { createRole(name: "KEEPER", permissions: ["users:read", "roles:manage"]) { name } }'), 'createRole');
    await ok(api('mutation ($id: ID!) { grantRole(userId: $id, role: "KEEPER") { id } }', { id: kim.user.id }), 'grantRole');
    const keeper = await openContext();
    await signIn(keeper.page, 'kim');
    await keeper.page.goto(`${base}/app/admin/roles`);
    await heading(keeper.page, 'Roles and permissions').waitFor();
    const form = keeper.page.getByRole('form', { name: 'Create a role' });
    expect(await form.getByRole('checkbox', { name: 'users:read' }).isDisabled()).toBe(false);
    const manage = form.getByRole('checkbox', { name: 'users:manage' });
    expect(await manage.isDisabled()).toBe(true);
    expect(await manage.getAttribute('aria-describedby').then((id) => keeper.page.locator(`[id="${id}"]`).innerText())).toMatch(/You do not hold this permission, so you cannot hand it out\./);
    // A person's page: roles to grant are only those within its permissions; no account or session actions.
    await keeper.page.goto(`${base}/app/admin/people/${aliceId}`);
    await heading(keeper.page, 'alice').waitFor();
    // SUPPORT carries audit:read, ADMIN everything: neither is within kim's permissions.
    expect(await keeper.page.getByLabel('Role to grant').locator('option').allInnerTexts()).toEqual(['KEEPER']);
    expect(await keeper.page.getByRole('button', { name: 'Deactivate' }).count()).toBe(0);
    expect(await keeper.page.getByRole('button', { name: 'End every session' }).count()).toBe(0);
    await keeper.context.close();
  });
});

describe('the console with the keyboard alone', () => {
  it('reaches every admin page and its controls with Tab and Enter, and each is axe-clean', async () => {
    const page = admin.page;
    await page.goto(`${base}/app/`);
    await heading(page, 'Hello, root').waitFor();
    await tabTo(page, mainNav(page).getByRole('link', { name: 'Admin', exact: true }), { backwards: true });
    await page.keyboard.press('Enter');
    await heading(page, 'Admin').waitFor();
    const pages: Array<[string, string, Locator]> = [
      ['People', 'People', page.getByRole('button', { name: 'Search' })],
      ['Roles', 'Roles and permissions', page.getByRole('button', { name: 'Create the role' })],
      ['Audit trail', 'Audit trail', page.getByRole('button', { name: 'Export as NDJSON' })],
      ['Activity', 'Sign-in activity', page.getByRole('button', { name: 'Show the numbers as a table' })],
    ];
    for (const [link, title, control] of pages) {
      await tabTo(page, adminNav(page).getByRole('link', { name: link }), { backwards: true });
      await page.keyboard.press('Enter');
      await heading(page, title).waitFor();
      await tabTo(page, control);
      await expectNoAxeProblems(page, `keyboard-${link}`);
    }
    // A person's page: open it from the list, open a confirm step with Enter, leave it with Escape.
    await tabTo(page, adminNav(page).getByRole('link', { name: 'People' }), { backwards: true });
    await page.keyboard.press('Enter');
    await tabTo(page, page.getByRole('link', { name: 'alice' }));
    await page.keyboard.press('Enter');
    await heading(page, 'alice').waitFor();
    const deactivate = page.getByRole('button', { name: 'Deactivate' });
    await tabTo(page, deactivate);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Deactivate alice?' }).waitFor();
    await page.keyboard.press('Escape');
    expect(await isFocused(deactivate)).toBe(true);
    await tabTo(page, mainNav(page).getByRole('link', { name: 'API tokens' }), { backwards: true });
    await page.keyboard.press('Enter');
    await heading(page, 'API tokens').waitFor();
    await tabTo(page, page.getByRole('button', { name: 'Create the token' }));
    await expectNoAxeProblems(page, 'keyboard-api-tokens');
  });

  it('left no console error, page error or CSP violation', () => {
    expect(problems).toEqual([]);
  });
});
