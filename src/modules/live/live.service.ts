import { EventEmitter, on } from 'node:events';
import type { EntityManager } from '@mikro-orm/core';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { UnauthenticatedError } from '../../errors';
import { loadViewer } from '../auth/viewer';
import { loadGrant } from '../access/viewer';
import type { Services } from '../../services';
import type { LiveBus, LiveEvent } from './live.bus';
import type { SocketInspector, SocketRegistry } from './live.sockets';

/**
 * Live updates across instances: publishers name what changed (ids only), every instance hears it on the
 * bus and either re-checks the sockets of a user or wakes the subscriptions of a topic.
 */
export class LiveService {
  private readonly topics = new EventEmitter().setMaxListeners(0);
  private registry?: SocketRegistry;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly bus: LiveBus, private readonly logger: Logger) {
    bus.subscribe({ event: (e) => this.deliver(e), resync: () => void this.registry?.recheckAll() });
  }

  /** The sockets this instance serves, re-checked when a user's sessions change. */
  attach(registry: SocketRegistry): void {
    this.registry = registry;
  }

  /** Sessions ended, roles, permissions or state changed: every instance re-checks that user's sockets at once. */
  sessionsChanged(userId: string): void {
    this.publish({ type: 'sessions', userId });
  }

  cartChanged(userId: string): void {
    this.publish({ type: 'cart', userId });
  }

  productChanged(productId: string): void {
    this.publish({ type: 'product', productId });
  }

  /** An async iterator of a topic's wake-ups ('cart:<userId>', 'product:<id>'); return() unsubscribes. */
  listen(topic: string): AsyncIterableIterator<unknown> {
    return on(this.topics, topic);
  }

  /** Never fails the caller: a lost event is caught by the periodic session re-check, or the next change. */
  private publish(event: LiveEvent): void {
    const sent = this.bus
      .publish(event)
      .catch((err: Error) => this.logger.warn('live event not published', { type: event.type, message: err.message }))
      .finally(() => this.pending.delete(sent));
    this.pending.add(sent);
  }

  /** Waits for events still being published (before the bus closes). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private deliver(event: LiveEvent): void {
    if (event.type === 'sessions') void this.registry?.recheckUser(event.userId);
    else if (event.type === 'cart') this.topics.emit(`cart:${event.userId}`, event);
    else this.topics.emit(`product:${event.productId}`, event);
  }
}

/**
 * The socket check: the same lookups HTTP runs per guarded request (the session's liveness, or the API token's),
 * on its own fork, and the permissions in effect, so a socket can be closed when they shrink.
 */
export function socketInspector(getEm: () => EntityManager, services: Pick<Services, 'apiTokens'>, clock: Clock, idleTtl: number): SocketInspector {
  return async (auth, meta) => {
    const em = getEm().fork();
    try {
      if (auth.apiToken) {
        const { user, token } = await services.apiTokens.authenticate(em, auth.apiToken.hash, meta);
        return { failure: null, userId: user.id, expiresAt: token.expiresAt.getTime(), permissions: (await loadGrant(em, user, token)).effective };
      }
      const user = await loadViewer(em, auth.claims, clock, idleTtl);
      return { failure: null, userId: user.id, expiresAt: auth.claims.exp * 1000, permissions: (await loadGrant(em, user, null)).effective };
    } catch (err) {
      if (err instanceof UnauthenticatedError) return { failure: err.reason };
      throw err;
    }
  };
}
