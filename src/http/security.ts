import type { FastifyCorsOptions } from '@fastify/cors';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { Config } from '../config';

/** Security headers; HSTS only in production, and no CSP while Sandbox (which loads Apollo's scripts) is served. */
export function helmetOptions(config: Config): HelmetOptions {
  return {
    contentSecurityPolicy: config.landingPage ? false : { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    strictTransportSecurity: config.env === 'production' ? { maxAge: 31536000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  };
}

/** What helmet writes with these options, taken once: nothing in it depends on the request. */
export function securityHeaders(config: Config): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = value),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(helmetOptions(config))({} as never, res as never, () => undefined);
  return headers;
}

/** Writes the security headers, one precomputed set per request (a route may then replace its CSP). */
export function securityHeadersHook(config: Config): onRequestHookHandler {
  const entries = Object.entries(securityHeaders(config));
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    for (let i = 0; i < entries.length; i++) reply.header(entries[i][0], entries[i][1]);
    done();
  };
}

/** The embedded Sandbox runs on Apollo's origin and calls this API from there, so it is allowed while it is served. */
const SANDBOX_ORIGINS = ['https://sandbox.embed.apollographql.com', 'https://studio.apollographql.com'];

export const allowedOrigins = (config: Config): string[] => (config.landingPage ? [...config.corsOrigins, ...SANDBOX_ORIGINS] : config.corsOrigins);

export function corsOptions(config: Config): FastifyCorsOptions {
  const origins = allowedOrigins(config);
  // A browser client on another origin reads the DPoP challenge and the next server nonce (RFC 9449 §8).
  return { origin: origins.length ? origins : false, credentials: true, maxAge: 600, methods: ['GET', 'HEAD', 'POST'], exposedHeaders: ['WWW-Authenticate', 'DPoP-Nonce'] };
}

/**
 * CORS for the non-preflight requests of a scope, as @fastify/cors answers them with corsOptions (which keeps the
 * preflights), but with no work for a request without an Origin beyond the one Vary header caches need.
 */
export function corsHook(config: Config): onRequestHookHandler | null {
  const origins = allowedOrigins(config);
  if (!origins.length) return null;
  const allowed = new Set(origins); // never '*': loadConfig refuses it
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (allowed.has(origin)) reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
    }
    done();
  };
}
