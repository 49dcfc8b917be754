import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import helmet from 'helmet';
import type { Config } from './config';
import type { Logger } from './lib/logger';

/** Security headers; HSTS only in production, and no CSP while Sandbox (which loads Apollo's scripts) is served. */
export function securityHeaders(config: Config): RequestHandler {
  return helmet({
    contentSecurityPolicy: config.landingPage ? false : { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    strictTransportSecurity: config.env === 'production' ? { maxAge: 31536000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A request id (echoed from X-Request-Id when sane) and one access-log line without headers, bodies or tokens. */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info('request', { reqId: id, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 });
    });
    next();
  };
}

/** Body-parser failures (bad JSON, too large) become JSON errors in the GraphQL shape, never HTML. */
export function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) logger.error('unhandled request error', err);
    const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST';
    const message = status === 413 ? 'Request body is too large.' : status === 500 ? 'Internal server error.' : 'Malformed request body: expected JSON.';
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  };
}
