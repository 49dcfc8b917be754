import { isIP } from 'node:net';
import type { EntityManager } from '@mikro-orm/core';
import type { Request, Response } from 'express';
import { parse as parseCookies } from 'cookie';
import type { Config } from './config';
import type { Clock } from './lib/clock';
import { UnauthenticatedError, type AuthFailure } from './errors';
import type { Services } from './services';
import { TokenError, type AccessClaims } from './modules/auth/token.service';
import { loadViewer } from './modules/auth/viewer';
import { withRetry } from './db/retry';
import type { ClientMeta } from './modules/session/session.service';
import type { User } from './modules/user/user.entity';

export interface Context {
  em: EntityManager;
  services: Services;
  config: Config;
  clock: Clock;
  req: Request;
  res: Response;
  meta: ClientMeta;
  cookies: Record<string, string | undefined>;
  /** Verified claims, or null with the reason the bearer token was refused (or absent). */
  auth: { claims: AccessClaims; failure: null } | { claims: null; failure: AuthFailure };
  /** The signed-in user, loaded once per request; throws UNAUTHENTICATED with a reason. */
  getUser(): Promise<User>;
}

const BEARER = /^Bearer +([A-Za-z0-9_~+/.=-]+) *$/i;

/** Reads the bearer token without touching the database, so public operations never fail on a stale token. */
export function readBearer(header: string | undefined, verify: (token: string) => AccessClaims): Context['auth'] {
  if (header === undefined || header.trim() === '') return { claims: null, failure: 'TOKEN_MISSING' };
  const match = BEARER.exec(header);
  if (!match) return { claims: null, failure: 'TOKEN_INVALID' };
  try {
    return { claims: verify(match[1]), failure: null };
  } catch (err) {
    if (err instanceof TokenError) return { claims: null, failure: err.reason };
    throw err;
  }
}

export function makeContextBuilder(deps: { em: EntityManager; services: Services; config: Config; clock: Clock }) {
  return async ({ req, res }: { req: Request; res: Response }): Promise<Context> => {
    let forked: EntityManager | undefined;
    const fork = () => (forked ??= deps.em.fork()); // one fork per request, made only if the request touches the database
    const auth = readBearer(req.headers.authorization, (t) => deps.services.tokens.verify(t));
    let viewer: Promise<User> | undefined;
    return {
      get em() {
        return fork();
      },
      services: deps.services,
      config: deps.config,
      clock: deps.clock,
      req,
      res,
      meta: { ip: req.ip && isIP(req.ip) ? req.ip : null, userAgent: req.headers['user-agent']?.slice(0, 512) ?? null },
      cookies: req.headers.cookie ? parseCookies(req.headers.cookie) : {},
      auth,
      getUser() {
        if (!auth.claims) return Promise.reject(new UnauthenticatedError(auth.failure));
        const claims = auth.claims;
        viewer ??= withRetry(() => loadViewer(fork(), claims, deps.clock, deps.config.session.idleTtl));
        return viewer;
      },
    };
  };
}
