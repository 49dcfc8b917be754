import type { FastifyCorsOptions } from '@fastify/cors';
import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { Config } from '../config';

/** Security headers; HSTS only in production, and no CSP while Sandbox (which loads Apollo's scripts) is served. */
export function helmetOptions(config: Config): FastifyHelmetOptions {
  return {
    contentSecurityPolicy: config.landingPage ? false : { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    strictTransportSecurity: config.env === 'production' ? { maxAge: 31536000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
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
