import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config';
import { appAssetFilter, requestedFile } from './web-assets';

/** Where the web app is served; `vite build` uses the same base. */
export const WEB_PREFIX = '/app';
const EXPLORER = /^\/app\/explorer(\/|$)/;
/** Vite puts a content hash in every name under assets/, so those never change. */
const ASSETS = /^\/app\/assets\//;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Only this origin: scripts, styles, fonts, workers, fetch and the WebSocket ('self' covers ws: and wss: to the same
 * host in CSP 3). The explorer's editor (Monaco) adds <style> elements at run time, so its page alone allows inline styles.
 */
export function webCsp(path: string): string {
  const explorer = EXPLORER.test(path);
  return [
    "default-src 'self'",
    "script-src 'self'",
    explorer ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** web/dist of the project: found by walking up from this file, so src/ and dist/src/ both work. */
export function webDistDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'schema', 'base.graphql'))) {
    const parent = dirname(dir);
    if (parent === dir) return join(__dirname, 'web', 'dist');
    dir = parent;
  }
  return join(dir, 'web', 'dist');
}

/** In production a missing build is a deployment mistake: refuse to start (before anything is opened). */
export function assertWebBuild(config: Config, root: string): void {
  const index = join(root, 'index.html');
  if (config.web.app && config.env === 'production' && !existsSync(index)) {
    throw new Error(`WEB_APP=true but ${index} is missing: build the web app first with \`npm run build:web\``);
  }
}

interface Options {
  config: Config;
  /** The Vite build output (index.html, assets/). */
  root: string;
}

/**
 * The web app at /app (register with `prefix: WEB_PREFIX`): hashed assets cached for a year, index.html revalidated
 * every time and answered for every other path under /app (client-side routes), the explorer only when enabled.
 */
export async function webApp(scope: FastifyInstance, { config, root }: Options): Promise<void> {
  const index = join(root, 'index.html');
  scope.addHook('onRequest', async (request, reply) => {
    reply.header('content-security-policy', webCsp(request.url));
  });
  if (!config.web.explorer) {
    // With the explorer off its chunks (GraphiQL, Monaco, their workers) are not served at all, only the app's files.
    const isAppFile = appAssetFilter(root);
    scope.addHook('onRequest', async (request, reply) => {
      const file = requestedFile(request.url, WEB_PREFIX);
      if (file === null || (file.startsWith('assets/') && !(await isAppFile(file)))) return notFound(reply);
    });
  }
  scope.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode < 400) reply.header('cache-control', ASSETS.test(request.url) ? IMMUTABLE : 'no-cache');
    return payload;
  });

  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!config.web.explorer && EXPLORER.test(request.url)) return notFound(reply);
    let html: string;
    try {
      html = await readFile(index, 'utf8');
    } catch {
      return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    }
    // Tells the app whether to offer the explorer (a build serves development and production alike).
    const meta = `<meta name="tokengate-explorer" content="${config.web.explorer ? 'on' : 'off'}">`;
    const body = html.replace('</head>', `${meta}</head>`);
    // The page is revalidated every time (no-cache): an ETag lets that be a 304 instead of the whole page.
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    reply.header('etag', etag);
    if (ifNoneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send();
    return reply.type('text/html; charset=utf-8').send(body);
  };

  // Missing files under assets/ are 404s; any other unknown path is a client-side route.
  scope.setNotFoundHandler((request, reply) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || ASSETS.test(request.url)) return notFound(reply);
    return page(request, reply);
  });
  scope.get('/', page);
  scope.get('/index.html', page);
  await scope.register(fastifyStatic, {
    root,
    prefix: '/',
    index: false,
    redirect: false,
    dotfiles: 'ignore',
    cacheControl: false,
    etag: true,
    lastModified: true,
    preCompressed: false,
    suppressWarning: true,
  });
}

function ifNoneMatch(header: string | undefined, etag: string): boolean {
  return !!header && header.split(',').some((tag) => ['*', etag, `W/${etag}`].includes(tag.trim()));
}

function notFound(reply: FastifyReply) {
  return reply.code(404).send({ errors: [{ message: 'Not found.', extensions: { code: 'NOT_FOUND' } }] });
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tokengate: web app not built</title></head>
<body><main><h1>The web app is not built yet</h1><p>Run <code>npm run build:web</code> (or restart with <code>npm start</code>, which builds it) and reload.</p></main></body></html>`;

/**
 * Adds a link to the self-hosted explorer to Apollo's landing page at GET /graphql, into the text it shows when its CDN
 * cannot be reached. Register before the GraphQL route; only GET /graphql pays for it.
 */
export function landingPageLink(app: FastifyInstance): void {
  const link = `<p>A self-hosted explorer that works offline: <a href="${WEB_PREFIX}/explorer">${WEB_PREFIX}/explorer</a>.</p>`;
  app.addHook('onRoute', (route) => {
    if (route.url !== '/graphql' || route.method !== 'GET') return;
    const hook = async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return payload;
      return payload.replace(/(<p>Apollo (?:Sandbox|Explorer) cannot be loaded;[^<]*<\/p>)/, `$1\n  ${link}`);
    };
    route.onSend = [...(Array.isArray(route.onSend) ? route.onSend : route.onSend ? [route.onSend] : []), hook];
  });
}
