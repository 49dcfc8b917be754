import type { EntityManager } from '@mikro-orm/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parse as parseCookies } from 'cookie';
import type { Config } from './config';
import type { Clock } from './lib/clock';
import { UnauthenticatedError, type AuthFailure } from './errors';
import type { Services } from './services';
import { TokenError, type AccessClaims } from './modules/auth/token.service';
import { loadViewer } from './modules/auth/viewer';
import { withRetry } from './db/retry';
import type { ClientMeta } from './modules/session/session.service';
import { clientMeta } from './http/client-address';
import type { User } from './modules/user/user.entity';
import { hashApiToken, isWellFormedApiToken, looksLikeApiToken, type PresentedApiToken } from './modules/access/api-token.secret';
import type { TokenCredential } from './modules/access/api-token.service';
import type { Grant } from './modules/access/grant';
import { loadGrant, loadTokenViewer } from './modules/access/viewer';

export interface Context {
  em: EntityManager;
  services: Services;
  config: Config;
  clock: Clock;
  req: FastifyRequest;
  reply: FastifyReply;
  meta: ClientMeta;
  cookies: Record<string, string | undefined>;
  /** Verified claims, or a presented API token (checked on first use), or null with the reason the bearer token was refused (or absent). */
  auth: BearerAuth;
  /**
   * The signed-in user (an API token's owner), loaded once per request; throws UNAUTHENTICATED with a reason.
   * A detached snapshot (no EntityManager involved): load the user through `em` to change it.
   */
  getUser(): Promise<User>;
  /** What the viewer may do on this request: its roles' permissions, narrowed by an API token's scopes; loaded once. */
  getGrant(): Promise<Grant>;
}

export type BearerAuth =
  | { claims: AccessClaims; failure: null; apiToken?: undefined }
  | { claims: null; failure: null; apiToken: PresentedApiToken }
  | { claims: null; failure: AuthFailure; apiToken?: undefined };

const BEARER = /^Bearer +([A-Za-z0-9_~+/.=-]+) *$/i;

/** Reads the bearer token without touching the database, so public operations never fail on a stale token. */
export function readBearer(header: string | undefined, verify: (token: string) => AccessClaims): BearerAuth {
  if (header === undefined || header.trim() === '') return { claims: null, failure: 'TOKEN_MISSING' };
  const match = BEARER.exec(header);
  if (!match) return { claims: null, failure: 'TOKEN_INVALID' };
  // An API token is looked up on first use; only its hash is kept, so no context object holds the secret.
  if (looksLikeApiToken(match[1])) {
    return isWellFormedApiToken(match[1]) ? { claims: null, failure: null, apiToken: { hash: hashApiToken(match[1]) } } : { claims: null, failure: 'TOKEN_INVALID' };
  }
  try {
    return { claims: verify(match[1]), failure: null };
  } catch (err) {
    if (err instanceof TokenError) return { claims: null, failure: err.reason };
    throw err;
  }
}

export interface Deps {
  em: EntityManager;
  services: Services;
  config: Config;
  clock: Clock;
}

/**
 * What every context shares, HTTP or WebSocket: the viewer, loaded lazily and once with its session (or API
 * token) check, and the permissions it holds.
 */
export abstract class ViewerContext {
  readonly services: Services;
  readonly config: Config;
  readonly clock: Clock;
  abstract readonly auth: Context['auth'];
  abstract readonly meta: ClientMeta;
  private viewer?: Promise<User>;
  private grant?: Promise<Grant>;
  private token: TokenCredential | null = null;

  constructor(protected readonly deps: Deps) {
    this.services = deps.services;
    this.config = deps.config;
    this.clock = deps.clock;
  }

  getUser(): Promise<User> {
    const { claims, failure, apiToken } = this.auth;
    if (apiToken) return (this.viewer ??= loadTokenViewer(this.services, apiToken, this.meta).then(({ user, token }) => ((this.token = token), user)));
    if (!claims) return Promise.reject(new UnauthenticatedError(failure!));
    this.viewer ??= withRetry(() => loadViewer(this.services.sql, claims, this.clock, this.config.session.idleTtl));
    return this.viewer;
  }

  getGrant(): Promise<Grant> {
    return (this.grant ??= this.getUser().then((user) => loadGrant(this.services.sql, user, this.token)));
  }
}

/**
 * One request's context. A class, so `em` stays a lazy prototype getter even after Apollo copies the
 * context: the EntityManager is forked once, and only if the request touches the database.
 */
class RequestContext extends ViewerContext implements Context {
  readonly meta: ClientMeta;
  readonly cookies: Record<string, string | undefined>;
  readonly auth: Context['auth'];
  private forked?: EntityManager;

  constructor(deps: Deps, readonly req: FastifyRequest, readonly reply: FastifyReply) {
    super(deps);
    this.meta = clientMeta(req);
    this.cookies = req.headers.cookie ? parseCookies(req.headers.cookie) : {};
    this.auth = readBearer(req.headers.authorization, (t) => deps.services.tokens.verify(t));
  }

  get em(): EntityManager {
    return (this.forked ??= this.deps.em.fork());
  }
}

export function makeContextBuilder(deps: Deps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<Context> => new RequestContext(deps, request, reply);
}
