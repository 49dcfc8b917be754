import websocket, { type WebsocketHandler } from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config';
import { AppError, RateLimitedError, ServiceUnavailableError } from '../errors';
import type { RateLimits } from '../modules/auth/rate-limit';
import { CLOSE } from '../modules/live/live.codes';
import { allowedOrigins } from './security';
import { clientAddress } from './client-address';
import type { Logger } from '../lib/logger';

/** @fastify/websocket, registered before any route so it can route upgrades; on close every socket hears 1001 (going away). */
export async function registerWebSocket(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(websocket, {
    options: { maxPayload: config.bodyLimit },
    preClose(done) {
      for (const client of this.websocketServer.clients) client.close(CLOSE.goingAway, 'SERVER_STOPPING');
      this.websocketServer.close(() => done());
    },
  });
}

/**
 * graphql-ws writes every socket error with console.error and a stack, though most are the client's doing
 * (an oversized or malformed frame, which ws already answers with 1009 or 1002): log those as a warning in our
 * logger, and anything else as an error, closing with 1011 as graphql-ws would.
 */
export function loggedSocketErrors(handler: WebsocketHandler, logger: Logger): WebsocketHandler {
  return function (this: FastifyInstance, socket, request) {
    const before = new Set(socket.listeners('error'));
    const result = handler.call(this, socket, request);
    for (const listener of socket.listeners('error')) if (!before.has(listener)) socket.removeListener('error', listener as (err: Error) => void);
    socket.once('error', (err: Error & { code?: string }) => {
      if (typeof err.code === 'string' && err.code.startsWith('WS_ERR_')) {
        logger.warn('websocket: client protocol error', { code: err.code, message: err.message, ip: request.ip });
        return;
      }
      logger.error('websocket: socket error', err);
      socket.close(1011, 'Internal server error');
    });
    return result;
  };
}

/**
 * Refuses an upgrade before the socket opens: a browser page from an origin that may not call the API
 * (403, so a cross-site page cannot ride the user's network position) or too many attempts from one address (429).
 */
export function upgradeGuard(config: Config, limits: RateLimits) {
  const origins = new Set(allowedOrigins(config));
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.ws) return;
    const origin = request.headers.origin;
    if (origin && !origins.has(origin) && !sameHost(origin, request.headers.host)) {
      return reply.code(403).send({ errors: [{ message: 'Cross-site WebSocket upgrade refused.', extensions: { code: 'FORBIDDEN', reason: 'CROSS_SITE_REQUEST' } }] });
    }
    try {
      await limits.attempt('websocket', clientAddress(request));
    } catch (err) {
      if (!(err instanceof RateLimitedError || err instanceof ServiceUnavailableError)) throw err;
      return refuse(reply, err);
    }
  };
}

/** An AppError as an HTTP answer: its status, its headers (Retry-After) and its code, in the GraphQL error shape. */
function refuse(reply: FastifyReply, err: AppError) {
  const { http, ...extensions } = err.extensions as { http: { status: number; headers?: Map<string, string> } };
  for (const [name, value] of http.headers ?? []) reply.header(name, value);
  return reply.code(http.status).send({ errors: [{ message: err.message, extensions }] });
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
