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
import { gateSecondFactor, type Grant } from './modules/access/grant';
import { MFA_ACR } from './modules/mfa/amr';
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
  /**
   * The key (RFC 7638 thumbprint) of the request's DPoP proof, checked once per request, for the mutations that
   * issue tokens; null without a DPoP header (refused with DPOP=required). Throws UNAUTHENTICATED with a DPOP_* reason.
   */
  dpopKey(): Promise<string | null>;
}

/** `scheme: 'DPoP'` marks a request that used (or, with DPOP=required, must use) DPoP: its refusals challenge with DPoP. */
export type BearerAuth =
  | { claims: AccessClaims; failure: null; apiToken?: undefined; scheme?: 'DPoP'; token?: string }
  | { claims: null; failure: null; apiToken: PresentedApiToken; scheme?: undefined }
  | { claims: null; failure: AuthFailure; apiToken?: undefined; scheme?: 'DPoP' };

const AUTHORIZATION = /^(Bearer|DPoP) +([A-Za-z0-9_~+/.=-]+) *$/i;

export interface ReadOptions {
  /** DPOP=required: an unbound access token is refused. */
  dpopRequired?: boolean;
  /** Hears a DPOP_* refusal (the DPoP service's one place for them). */
  refuse?: (reason: 'DPOP_REQUIRED') => void;
}

/**
 * Reads the Bearer or DPoP access token without touching the database, so public operations never fail on a
 * stale token. A DPoP token comes back with its text (for the proof's ath): proveBinding checks the proof.
 */
export function readBearer(header: string | undefined, verify: (token: string) => AccessClaims, opts: ReadOptions = {}): BearerAuth {
  const dpopScheme = opts.dpopRequired ? ({ scheme: 'DPoP' } as const) : {};
  if (header === undefined || header.trim() === '') return { claims: null, failure: 'TOKEN_MISSING', ...dpopScheme };
  const match = AUTHORIZATION.exec(header);
  if (!match) return { claims: null, failure: 'TOKEN_INVALID', ...(/^dpop /i.test(header) ? { scheme: 'DPoP' as const } : {}) };
  const dpop = match[1].toLowerCase() === 'dpop';
  const token = match[2];
  // An API token is looked up on first use; only its hash is kept, so no context object holds the secret.
  if (looksLikeApiToken(token)) {
    // API tokens stay bearer secrets: under the DPoP scheme one is refused.
    if (dpop) return { claims: null, failure: 'TOKEN_INVALID', scheme: 'DPoP' };
    return isWellFormedApiToken(token) ? { claims: null, failure: null, apiToken: { hash: hashApiToken(token) } } : { claims: null, failure: 'TOKEN_INVALID' };
  }
  let claims: AccessClaims;
  try {
    claims = verify(token);
  } catch (err) {
    if (err instanceof TokenError) return { claims: null, failure: err.reason, ...(dpop ? { scheme: 'DPoP' as const } : {}) };
    throw err;
  }
  if (dpop) return claims.cnf ? { claims, failure: null, scheme: 'DPoP', token } : { claims: null, failure: 'TOKEN_INVALID', scheme: 'DPoP' };
  // A bound token sent as Bearer is worth nothing without its proof; with DPOP=required so is every bearer token.
  if (claims.cnf || opts.dpopRequired) {
    opts.refuse?.('DPOP_REQUIRED');
    return { claims: null, failure: 'DPOP_REQUIRED', scheme: 'DPoP' };
  }
  return { claims, failure: null };
}

/**
 * A DPoP access token stands only with a proof from its key (RFC 9449 §7.1): `prove` checks the proof against
 * the token (ath) and returns the key's thumbprint, which must be the token's cnf.jkt.
 */
export async function proveBinding(auth: BearerAuth, prove: (token: string) => Promise<string>, dpop: Services['dpop']): Promise<BearerAuth> {
  if (auth.scheme !== 'DPoP' || !auth.claims) return auth;
  try {
    const jkt = await prove(auth.token!);
    if (jkt !== auth.claims.cnf!.jkt) throw dpop.refuse('DPOP_KEY_MISMATCH');
    return auth;
  } catch (err) {
    if (err instanceof UnauthenticatedError) return { claims: null, failure: err.reason, scheme: 'DPoP' };
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
    const scheme = this.auth.scheme;
    if (!claims) return Promise.reject(new UnauthenticatedError(failure!, { scheme, ...this.nonceOption() }));
    this.viewer ??= withRetry(() => loadViewer(this.services.sql, claims, this.clock, this.config.session.idleTtl)).catch((err: unknown) => {
      throw scheme && err instanceof UnauthenticatedError ? err.withScheme(scheme) : err;
    });
    return this.viewer;
  }

  /** With DPOP_NONCE=true every DPoP refusal carries a fresh nonce, so the client's retry can succeed. */
  protected nonceOption(): { nonce?: string } {
    const nonce = this.auth.scheme ? this.services.dpop.nonce() : null;
    return nonce ? { nonce } : {};
  }

  abstract dpopKey(): Promise<string | null>;

  getGrant(): Promise<Grant> {
    return (this.grant ??= this.getUser().then(async (user) => {
      const grant = await loadGrant(this.services.sql, user, this.token);
      const listed = this.config.mfa.requiredFor;
      // A token cannot step up: it counts as the second factor of the session it was minted from.
      const secondFactor = this.auth.claims ? this.auth.claims.acr === MFA_ACR : Boolean(this.token?.secondFactor);
      return listed.length && !secondFactor ? gateSecondFactor(grant, listed) : grant;
    }));
  }
}

/**
 * One request's context. A class, so `em` stays a lazy prototype getter even after Apollo copies the
 * context: the EntityManager is forked once, and only if the request touches the database.
 */
class RequestContext extends ViewerContext implements Context {
  readonly meta: ClientMeta;
  readonly cookies: Record<string, string | undefined>;
  auth: Context['auth'];
  private forked?: EntityManager;
  /** The request's DPoP proof, checked once: its replay-cache entry is written once, whoever asks first. */
  private proved?: Promise<string>;

  constructor(deps: Deps, readonly req: FastifyRequest, readonly reply: FastifyReply) {
    super(deps);
    this.meta = clientMeta(req);
    this.cookies = req.headers.cookie ? parseCookies(req.headers.cookie) : {};
    const dpop = deps.services.dpop;
    this.auth = readBearer(req.headers.authorization, (t) => deps.services.tokens.verify(t), { dpopRequired: dpop.required, refuse: (r) => dpop.refuse(r) });
  }

  /** Checks a DPoP token's proof before anything reads the claims; with DPOP_NONCE=true hands out the next nonce. */
  async proveAuthorization(): Promise<void> {
    const dpop = this.services.dpop;
    this.auth = await proveBinding(this.auth, (token) => this.prove(token), dpop);
    const nonce = this.req.headers.dpop !== undefined || this.auth.scheme ? dpop.nonce() : null;
    if (nonce) this.reply.header('dpop-nonce', nonce);
  }

  dpopKey(): Promise<string | null> {
    if (this.req.headers.dpop === undefined) return this.services.dpop.required ? Promise.reject(this.services.dpop.refuse('DPOP_REQUIRED')) : Promise.resolve(null);
    return this.prove();
  }

  /** One DPoP header, checked against this request's method (and the access token, when one came under DPoP). */
  private prove(accessToken?: string): Promise<string> {
    const header = this.req.headers.dpop;
    this.proved ??=
      typeof header === 'string' && header !== '' ? this.services.dpop.check({ proof: header, htm: this.req.method, accessToken, url: graphqlUrl(this.req) }) : Promise.reject(this.services.dpop.refuse('DPOP_PROOF_INVALID', 'missing'));
    return this.proved;
  }

  get em(): EntityManager {
    return (this.forked ??= this.deps.em.fork());
  }
}

/** The /graphql URL a request reached, as Fastify reads it (X-Forwarded-* only from TRUST_PROXY hops). */
export const graphqlUrl = (req: FastifyRequest): string => `${req.protocol}://${req.host}/graphql`;

export function makeContextBuilder(deps: Deps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<Context> => {
    const context = new RequestContext(deps, request, reply);
    await context.proveAuthorization();
    return context;
  };
}
