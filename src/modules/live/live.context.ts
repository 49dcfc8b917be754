import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EntityManager } from '@mikro-orm/core';
import { ViewerContext, type Context, type Deps } from '../../context';
import type { Grant } from '../access/grant';
import type { ClientMeta } from '../session/session.service';

export type SocketDeps = Deps;

/**
 * The context of one operation on a socket. Subscriptions live long, so the viewer is re-checked per
 * operation and the EntityManager is forked per use: an identity map kept for hours would serve stale rows.
 */
export class SocketContext extends ViewerContext implements Context {
  readonly cookies: Record<string, string | undefined> = {};

  constructor(deps: SocketDeps, readonly auth: Context['auth'], readonly meta: ClientMeta, private readonly socket?: { permissions: ReadonlySet<string> }) {
    super(deps);
  }

  /** What a subscription was let in with joins the socket's set, so a re-check that finds it gone closes the socket. */
  override async getGrant(): Promise<Grant> {
    const grant = await super.getGrant();
    if (this.socket && [...grant.effective].some((p) => !this.socket!.permissions.has(p))) {
      this.socket.permissions = new Set([...this.socket.permissions, ...grant.effective]);
    }
    return grant;
  }

  get em(): EntityManager {
    return this.deps.em.fork();
  }

  // Tokens are issued over HTTP only; a socket's proof is checked on connect.
  async dpopKey(): Promise<string | null> {
    return null;
  }

  // Only subscriptions run on a socket; nothing there may set cookies or read HTTP headers.
  get req(): FastifyRequest {
    throw new Error('no HTTP request on a WebSocket operation');
  }
  get reply(): FastifyReply {
    throw new Error('no HTTP reply on a WebSocket operation');
  }
}
