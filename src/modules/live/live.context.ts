import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EntityManager } from '@mikro-orm/core';
import { ViewerContext, type Context, type Deps } from '../../context';
import type { ClientMeta } from '../session/session.service';

export type SocketDeps = Deps;

/**
 * The context of one operation on a socket. Subscriptions live long, so the viewer is re-checked per
 * operation and the EntityManager is forked per use: an identity map kept for hours would serve stale rows.
 */
export class SocketContext extends ViewerContext implements Context {
  readonly cookies: Record<string, string | undefined> = {};

  constructor(deps: SocketDeps, readonly auth: Context['auth'], readonly meta: ClientMeta) {
    super(deps);
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
