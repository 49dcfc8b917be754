import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { ServiceUnavailableError } from '../errors';

/** Where a graceful stop is: `draining` from SIGTERM (readiness fails), `closing` once the listener stops accepting. */
export interface DrainState {
  draining: boolean;
  closing: boolean;
}

/**
 * A request that arrives on a kept-alive connection after the listener closed gets our SERVICE_UNAVAILABLE
 * (Retry-After, Connection: close), so the client retries elsewhere instead of reading Fastify's bare 503.
 */
export function drainGuard(state: DrainState): onRequestHookHandler {
  const error = new ServiceUnavailableError();
  const body = { errors: [{ message: error.message, extensions: { code: 'SERVICE_UNAVAILABLE' } }] };
  return (_request: FastifyRequest, reply: FastifyReply, done) => {
    if (!state.closing) return done();
    reply.code(503).header('retry-after', '5').header('connection', 'close').send(body);
  };
}
