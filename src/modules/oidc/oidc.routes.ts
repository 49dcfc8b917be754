import type { EntityManager } from '@mikro-orm/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config';
import { AppError, type OidcFailure } from '../../errors';
import { isUnavailable } from '../../db/unavailable';
import type { Services } from '../../services';
import { setRefreshCookie } from '../auth/refresh-cookie';
import { clientMeta } from '../../http/client-address';
import { FLOW_TTL, type FlowOutcome } from './oidc.flow';
import { clearCookie, oidcCookies, readCookie, setCookie } from './oidc.cookies';

interface Options {
  config: Config;
  services: Services;
  em: EntityManager;
}

type ProviderRequest = FastifyRequest<{ Params: { provider: string }; Querystring: Record<string, unknown> }>;

const MESSAGES: Partial<Record<OidcFailure, string>> = {
  REDIRECT_NOT_ALLOWED: 'The redirect must be a path on this server or an origin listed in OIDC_REDIRECT_ORIGINS.',
  STATE_UNKNOWN: 'Unknown or missing sign-in state; start signing in again.',
};

/**
 * GET /auth/oidc/:provider/start and /callback, the browser half of "Sign in with …". Starts the providers'
 * discovery when registered and stops its retries on close.
 */
export async function oidcRoutes(app: FastifyInstance, { config, services, em }: Options): Promise<void> {
  const oidc = services.oidc;
  await oidc.providers.start();
  app.addHook('onClose', async () => oidc.providers.stop());
  const cookies = oidcCookies(config);

  // No HEAD twins: a HEAD must not start a flow or spend a state.
  app.get('/auth/oidc/:provider/start', { exposeHeadRoute: false }, async (request: ProviderRequest, reply) => {
    const { redirect, mode, link } = request.query;
    return guarded(reply, async () => {
      const linkCookie = readCookie(request.headers.cookie, cookies.link.name);
      const outcome = await oidc.flow.start(em.fork(), { provider: request.params.provider, redirect, mode, link, linkCookie }, clientMeta(request));
      if (outcome.kind === 'redirect' && outcome.flowCookie) reply.header('set-cookie', setCookie(cookies.flow, outcome.flowCookie, FLOW_TTL));
      return answer(reply, outcome);
    });
  });

  app.get('/auth/oidc/:provider/callback', { exposeHeadRoute: false }, async (request: ProviderRequest, reply) => {
    const meta = clientMeta(request);
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const state = readCookie(request.headers.cookie, cookies.flow.name);
    const link = readCookie(request.headers.cookie, cookies.link.name);
    // The flow cookie has done its job whatever the outcome (the link cookie is left to other tickets and its expiry).
    reply.header('set-cookie', clearCookie(cookies.flow));
    return guarded(reply, async () => {
      const outcome = await oidc.flow.callback(em.fork(), request.params.provider, query, { state, link }, meta);
      if (outcome.kind === 'redirect' && outcome.refresh) {
        setRefreshCookie({ config, reply }, outcome.refresh.refreshToken, services.sessions.refreshExpiresIn(outcome.refresh.session));
      }
      return answer(reply, outcome);
    });
  });
}

function answer(reply: FastifyReply, outcome: FlowOutcome) {
  reply.header('cache-control', 'no-store');
  if (outcome.kind === 'redirect') return reply.redirect(outcome.location, 302);
  const message = MESSAGES[outcome.failure] ?? 'The sign-in request was refused.';
  return reply.code(400).send({ errors: [{ message, extensions: { code: outcome.failure } }] });
}

/** Rate limits and an unreachable database answer with their status (429, 503) in the GraphQL error shape. */
async function guarded(reply: FastifyReply, work: () => Promise<FastifyReply>): Promise<FastifyReply> {
  try {
    return await work();
  } catch (err) {
    if (isUnavailable(err)) return reply.code(503).header('retry-after', '5').send({ errors: [{ message: 'The service is temporarily unavailable; try again shortly.', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
    if (!(err instanceof AppError)) throw err;
    const { http, ...extensions } = err.extensions as { http?: { status: number; headers?: Map<string, string> } };
    for (const [name, value] of http?.headers ?? []) reply.header(name, value);
    return reply.code(http?.status ?? 400).header('cache-control', 'no-store').send({ errors: [{ message: err.message, extensions }] });
  }
}

