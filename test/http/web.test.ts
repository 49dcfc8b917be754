import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { webCsp } from '../../src/http/web';
import { createTestServer, TEST_SECRET, type TestServer } from '../helpers/server';

/** The web app at /app (src/http/web.ts), served from a stand-in build so these tests need no Vite. */

const INDEX = '<!doctype html><html lang="en"><head><title>t</title><script type="module" src="/app/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tokengate-web-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), INDEX);
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(root, '.tokengate-build.json'), '{"mode":"development"}');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const page = (server: TestServer, path: string) => server.http(path, { headers: { accept: 'text/html' } });

describe('the web app at /app (development defaults)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ NODE_ENV: 'development', LOG_LEVEL: 'silent' }, undefined, { webRoot: root });
  });
  afterAll(() => server.close());

  it('is on by default outside production, with the explorer', () => {
    expect(server.config.web).toEqual({ app: true, explorer: true });
  });

  it.each(['/app', '/app/', '/app/products', '/app/cart/', '/app/explorer'])('answers %s with index.html, revalidated every time', async (path) => {
    const res = await page(server, path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    expect(html).toContain('<div id="root">');
    expect(html).toContain('<meta name="tokengate-explorer" content="on">');
  });

  it('caches hashed assets for a year, immutable; other files revalidate', async () => {
    const asset = await server.http('/app/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    const icon = await server.http('/app/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('sends an ETag on the page, and a 304 when it has not changed', async () => {
    const first = await page(server, '/app/');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect((await page(server, '/app/products')).headers.get('etag')).toBe(etag);
    const again = await server.http('/app/', { headers: { accept: 'text/html', 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await server.http('/app/', { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
  });

  it('answers an unsatisfiable Range on a static file with 416', async () => {
    const res = await server.http('/app/favicon.svg', { headers: { range: 'bytes=5000-6000' } });
    expect(res.status).toBe(416);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('RANGE_NOT_SATISFIABLE');
    expect((await server.http('/app/favicon.svg', { headers: { range: 'bytes=0-3' } })).status).toBe(206);
  });

  it('answers a missing asset with 404, not the page; dotfiles are not served', async () => {
    const res = await server.http('/app/assets/gone-123.js');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/json/);
    expect((await server.http('/app/.tokengate-build.json')).headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('sends a CSP that allows only this origin, inline styles on the explorer page alone', async () => {
    const app = (await page(server, '/app/cart')).headers.get('content-security-policy')!;
    expect(app).toContain("default-src 'self'");
    expect(app).toContain("script-src 'self';");
    expect(app).toContain("style-src 'self';");
    expect(app).toContain("connect-src 'self'");
    expect(app).toContain("frame-ancestors 'none'");
    expect(app).not.toMatch(/https?:|\*|unsafe-eval/);
    expect(app).not.toContain('unsafe-inline');
    const explorer = (await page(server, '/app/explorer')).headers.get('content-security-policy')!;
    expect(explorer).toContain("style-src 'self' 'unsafe-inline'");
    expect(explorer).toContain("script-src 'self';");
    const asset = (await server.http('/app/assets/index-abc123.js')).headers.get('content-security-policy');
    expect(asset).toBe(webCsp('/app/assets/index-abc123.js'));
  });

  it('leaves /graphql as it was and links the explorer from the landing page', async () => {
    const landing = await page(server, '/graphql');
    expect(landing.status).toBe(200);
    const html = await landing.text();
    expect(html).toMatch(/Apollo Sandbox cannot be loaded/);
    expect(html).toContain('<a href="/app/explorer">/app/explorer</a>');
    expect(landing.headers.get('content-security-policy')).toBeNull();
    expect((await server.gql('{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
  });

  it('sends a browser at / to the app', async () => {
    const res = await server.http('/', { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/app/');
  });

  it('refuses other methods under /app', async () => {
    const res = await server.http('/app/products', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(404);
  });
});

describe('the web app in production', () => {
  it('is off by default: /app is a 404 and the landing page is not served', async () => {
    const server = await createTestServer({ NODE_ENV: 'production', LOG_LEVEL: 'silent' }, undefined, { webRoot: root });
    try {
      expect(server.config.web).toEqual({ app: false, explorer: false });
      expect((await page(server, '/app')).status).toBe(404);
      expect((await page(server, '/app/explorer')).status).toBe(404);
      expect((await server.http('/', { redirect: 'manual' })).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('WEB_APP=true serves the app without the explorer unless EXPLORER=true', async () => {
    const server = await createTestServer({ NODE_ENV: 'production', LOG_LEVEL: 'silent', WEB_APP: 'true' }, undefined, { webRoot: root });
    try {
      const res = await page(server, '/app/');
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<meta name="tokengate-explorer" content="off">');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age/);
      expect((await page(server, '/app/explorer')).status).toBe(404);
      expect((await page(server, '/app/explorer/x')).status).toBe(404);
    } finally {
      await server.close();
    }
    const withExplorer = await createTestServer({ NODE_ENV: 'production', LOG_LEVEL: 'silent', WEB_APP: 'true', EXPLORER: 'true' }, undefined, { webRoot: root });
    try {
      const res = await page(withExplorer, '/app/explorer');
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('content="on"');
    } finally {
      await withExplorer.close();
    }
  });

  it('WEB_APP=true without a build refuses to start, saying how to build it', async () => {
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: TEST_SECRET, DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent', WEB_APP: 'true' });
    await expect(createApp(config, { webRoot: join(root, 'nope') })).rejects.toThrow(/npm run build:web/);
  });
});

describe('the web app in development without a build', () => {
  it('explains how to build it instead of failing', async () => {
    const server = await createTestServer({ NODE_ENV: 'development', LOG_LEVEL: 'silent' }, undefined, { webRoot: join(root, 'nope') });
    try {
      const res = await page(server, '/app/');
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('npm run build:web');
    } finally {
      await server.close();
    }
  });
});

describe('the explorer chunks', () => {
  // A stand-in build with Vite's manifest: the app's entry, a lazy page of its own, and the explorer's chunk with its
  // style, a font, a shared editor chunk and a worker that no manifest entry names (as Vite writes Monaco's).
  const MANIFEST = {
    'index.html': { file: 'assets/index-abc123.js', isEntry: true, imports: ['_shared-1.js'], dynamicImports: ['src/features/explorer/Explorer.tsx', 'src/other/Page.tsx'], css: ['assets/index-1.css'] },
    '_shared-1.js': { file: 'assets/shared-1.js' },
    'src/other/Page.tsx': { file: 'assets/Page-1.js', isDynamicEntry: true, imports: ['index.html'] },
    'src/features/explorer/Explorer.tsx': { file: 'assets/Explorer-1.js', isDynamicEntry: true, imports: ['index.html', '_shared-1.js', '_editor-1.js'], css: ['assets/Explorer-1.css'] },
    '_editor-1.js': { file: 'assets/editor-1.js', assets: ['assets/codicon-1.ttf'] },
  };
  const APP = ['assets/index-abc123.js', 'assets/index-1.css', 'assets/shared-1.js', 'assets/Page-1.js'];
  const EXPLORER = ['assets/Explorer-1.js', 'assets/Explorer-1.css', 'assets/editor-1.js', 'assets/codicon-1.ttf', 'assets/editor.worker-1.js'];
  let build: string;
  beforeAll(() => {
    build = mkdtempSync(join(tmpdir(), 'tokengate-web-chunks-'));
    mkdirSync(join(build, 'assets'));
    mkdirSync(join(build, '.vite'));
    writeFileSync(join(build, 'index.html'), INDEX);
    writeFileSync(join(build, '.vite', 'manifest.json'), JSON.stringify(MANIFEST));
    for (const file of [...APP, ...EXPLORER]) writeFileSync(join(build, file), '/* x */');
  });
  afterAll(() => rmSync(build, { recursive: true, force: true }));

  it('are not served with the explorer off; the app files are', async () => {
    const server = await createTestServer({ NODE_ENV: 'production', LOG_LEVEL: 'silent', WEB_APP: 'true' }, undefined, { webRoot: build });
    try {
      for (const file of APP) expect([file, (await server.http(`/app/${file}`)).status]).toEqual([file, 200]);
      for (const file of EXPLORER) expect([file, (await server.http(`/app/${file}`)).status]).toEqual([file, 404]);
      // However the path is spelled.
      for (const path of ['/app/assets/../assets/Explorer-1.js', '/app/assets/%45xplorer-1.js', '/app/./assets/Explorer-1.js', '/app/assets/Explorer-1.js?x=1']) {
        expect([path, (await server.http(path)).status]).toEqual([path, 404]);
      }
      expect((await server.http('/app/.vite/manifest.json', { headers: { accept: 'text/html' } })).headers.get('content-type')).toMatch(/^text\/html/);
      expect((await page(server, '/app')).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('are served with the explorer on', async () => {
    const server = await createTestServer({ NODE_ENV: 'production', LOG_LEVEL: 'silent', WEB_APP: 'true', EXPLORER: 'true' }, undefined, { webRoot: build });
    try {
      for (const file of [...APP, ...EXPLORER]) expect([file, (await server.http(`/app/${file}`)).status]).toEqual([file, 200]);
    } finally {
      await server.close();
    }
  });
});
