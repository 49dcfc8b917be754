import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { appFiles } from '../../src/http/web-assets';

/** The build the global setup makes (development mode), which test servers serve. */
export const WEB_DIST = join(__dirname, '../../web/dist');

/** Files of a build (`assets/…`) that only the explorer page loads: all but those the app reaches from its manifest. */
export function explorerOnlyFiles(dist: string): string[] {
  const app = appFiles(JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')));
  return readdirSync(join(dist, 'assets'))
    .map((name) => `assets/${name}`)
    .filter((file) => !app.has(file));
}

/** Debian's Chromium; Playwright's own browser download cannot work on these machines. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, no sandbox (containers), and nothing that phones home. Playwright gives each launch a fresh profile. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A browser context that may reach only `origin`: any other request is aborted and recorded, so a test can assert
 * that nothing (no CDN, no font service, no telemetry) was even attempted.
 */
export async function isolatedContext(browser: Browser, origin: string): Promise<{ context: BrowserContext; outside: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  return { context, outside };
}

/** Console errors, page errors and CSP violations of a page, to assert there were none. */
export function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    const text = msg.text();
    // A 401 from the boot refresh without a cookie, or from an expired token before its refresh, is expected.
    if (msg.type() === 'error' && !/status of 40[13]/.test(text)) problems.push(`console: ${text}`);
  });
  return problems;
}

/** Numbered screenshots (suite-step.png) into one folder (E2E_SCREENSHOTS, or a new one under the temp dir), printed. */
export class Shots {
  private n = 0;
  readonly dir: string;
  constructor(private readonly suite: string) {
    this.dir = process.env.E2E_SCREENSHOTS ?? join(tmpdir(), `tokengate-e2e-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    mkdirSync(this.dir, { recursive: true });
    process.stdout.write(`\ntokengate e2e (${suite}): screenshots in ${this.dir}\n`);
  }
  async take(page: Page, name: string): Promise<string> {
    const file = join(this.dir, `${this.suite}-${String(++this.n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: false });
    return file;
  }
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * axe-core's serious and critical violations on the page. Injected through the DevTools protocol (page.evaluate),
 * which the page's CSP does not apply to; `exclude` leaves out third-party widgets.
 */
export async function axeViolations(page: Page, exclude: string[] = []): Promise<AxeViolation[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async (excluded) => {
    // Runs in the page; this file is compiled without the DOM's types.
    const page = globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> }; document: unknown };
    const axe = page.axe;
    const context = excluded.length ? { include: [['body']], exclude: excluded.map((s) => [s]) } : page.document;
    const result = await axe.run(context, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  }, exclude);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Saves a JSON report next to the screenshots (for a failing axe check). */
export function report(dir: string, name: string, data: unknown): void {
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(data, null, 2));
}
