import type { EntityManager } from '@mikro-orm/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config';
import type { Context } from '../../context';
import { UnauthenticatedError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { withRetry } from '../../db/retry';
import type { Services } from '../../services';
import type { ClientMeta } from '../session/session.service';
import type { User } from '../user/user.entity';
import { loadViewer } from '../auth/viewer';
import type { TokenCredential } from '../access/api-token.service';
import type { Grant } from '../access/grant';
import { loadGrant, loadTokenViewer } from '../access/viewer';

export interface SocketDeps {
  em: EntityManager;
  services: Services;
  config: Config;
  clock: Clock;
}

/**
 * The context of one operation on a socket. Subscriptions live long, so the viewer is re-checked per
 * operation and the EntityManager is forked per use: an identity map kept for hours would serve stale rows.
 */
export class SocketContext implements Context {
  readonly services: Services;
  readonly config: Config;
  readonly clock: Clock;
  readonly cookies: Record<string, string | undefined> = {};
  private viewer?: Promise<User>;
  private grant?: Promise<Grant>;
  private token: TokenCredential | null = null;

  constructor(private readonly deps: SocketDeps, readonly auth: Context['auth'], readonly meta: ClientMeta) {
    this.services = deps.services;
    this.config = deps.config;
    this.clock = deps.clock;
  }

  get em(): EntityManager {
    return this.deps.em.fork();
  }

  // Only subscriptions run on a socket; nothing there may set cookies or read HTTP headers.
  get req(): FastifyRequest {
    throw new Error('no HTTP request on a WebSocket operation');
  }
  get reply(): FastifyReply {
    throw new Error('no HTTP reply on a WebSocket operation');
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
