import { EventEmitter } from 'node:events';
import type { Logger } from '../../lib/logger';
import type { LiveBus, LiveEvent } from './live.bus';

/** What the service needs of the socket registry (live.sockets.ts): re-checks by user and of everyone. */
export interface Rechecker {
  recheckUser(userId: string): Promise<void>;
  recheckAll(): Promise<void>;
}

/**
 * Live updates across instances: publishers name what changed (ids only), every instance hears it on the
 * bus and either re-checks the sockets of a user or wakes the subscriptions of a topic.
 */
export class LiveService {
  private readonly topics = new EventEmitter().setMaxListeners(0);
  private registry?: Rechecker;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly bus: LiveBus, private readonly logger: Logger) {
    bus.subscribe({ event: (e) => this.deliver(e), resync: () => void this.registry?.recheckAll() });
  }

  /** The sockets this instance serves, re-checked when a user's sessions change. */
  attach(registry: Rechecker): void {
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

  /**
   * An async iterator of a topic's wake-ups ('cart:<userId>', 'product:<id>'); return() unsubscribes.
   * Wake-ups carry ids only, so a subscriber that falls behind needs just the latest: at most one waits
   * (events.on would keep every one, in two 2048-slot queues per subscriber).
   */
  listen(topic: string): AsyncIterableIterator<unknown> {
    let pending: { event: unknown } | null = null;
    let waiting: ((result: IteratorResult<unknown>) => void) | null = null;
    let done = false;
    const listener = (event: unknown) => {
      if (waiting) {
        const wake = waiting;
        waiting = null;
        wake({ value: event, done: false });
      } else pending = { event };
    };
    const finish = (): IteratorResult<unknown> => {
      done = true;
      pending = null;
      this.topics.off(topic, listener);
      waiting?.({ value: undefined, done: true });
      waiting = null;
      return { value: undefined, done: true };
    };
    this.topics.on(topic, listener);
    return {
      next: () => {
        if (pending) {
          const { event } = pending;
          pending = null;
          return Promise.resolve({ value: event, done: false });
        }
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: async () => finish(),
      throw: async (err: unknown) => {
        finish();
        throw err;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
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
