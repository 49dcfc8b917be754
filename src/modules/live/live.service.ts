import { EventEmitter } from 'node:events';
import type { Logger } from '../../lib/logger';
import type { AuditNotice, LiveBus, LiveEvent } from './live.bus';

/** Audit notices per bus message: about 150 bytes each, well inside PostgreSQL's 8000-byte NOTIFY payload. */
const AUDIT_CHUNK = 40;

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
  private listening = 0;
  /** Socket re-checks under way, per user (and of everyone after a reconnect): deliveries to them wait for the verdict. */
  private readonly rechecks = new Map<string, Promise<void>>();
  private recheckingAll: Promise<void> = Promise.resolve();

  /** Told each delivery's lag in seconds (the metrics' histogram). */
  onDelivered?: (lagSeconds: number) => void;

  constructor(private readonly bus: LiveBus, private readonly logger: Logger) {
    bus.subscribe({ event: (e) => this.deliver(e), resync: () => void (this.recheckingAll = this.registry?.recheckAll().catch(() => undefined) ?? Promise.resolve()) });
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

  /** Audit rows just written (ids and what filters read); every instance wakes its 'audit' subscriptions. */
  auditWritten(events: readonly AuditNotice[]): void {
    for (let i = 0; i < events.length; i += AUDIT_CHUNK) this.publish({ type: 'audit', events: events.slice(i, i + AUDIT_CHUNK) });
  }

  /**
   * Resolves once no re-check of the user's sockets is under way: what would be sent to them waits for it, so an
   * event recorded after their access shrank never reaches a socket that is about to be closed for it.
   */
  async settled(userId: string): Promise<void> {
    await Promise.all([this.rechecks.get(userId), this.recheckingAll]);
  }

  /**
   * An async iterator of a topic's wake-ups ('cart:<userId>', 'product:<id>'); return() unsubscribes.
   * Wake-ups carry ids only, so a subscriber that falls behind needs just the latest: at most one waits
   * (events.on would keep every one, in two 2048-slot queues per subscriber).
   */
  listen(topic: string, opts: { keep?: number; accept?: (event: unknown) => boolean } = {}): AsyncIterableIterator<unknown> {
    // With `keep` > 1 (the audit tail, where every event counts) up to that many wait, the oldest dropped past it.
    const keep = opts.keep ?? 1;
    const queue: unknown[] = [];
    let waiting: ((result: IteratorResult<unknown>) => void) | null = null;
    let done = false;
    const listener = (event: unknown) => {
      if (opts.accept && !opts.accept(event)) return;
      if (waiting) {
        const wake = waiting;
        waiting = null;
        wake({ value: event, done: false });
      } else {
        queue.push(event);
        if (queue.length > keep) queue.shift();
      }
    };
    const finish = (): IteratorResult<unknown> => {
      if (!done) this.listening--;
      done = true;
      queue.length = 0;
      this.topics.off(topic, listener);
      waiting?.({ value: undefined, done: true });
      waiting = null;
      return { value: undefined, done: true };
    };
    this.topics.on(topic, listener);
    this.listening++;
    return {
      next: () => {
        if (queue.length) return Promise.resolve({ value: queue.shift(), done: false });
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
      .publish({ ...event, at: Date.now() })
      .catch((err: Error) => this.logger.warn('live event not published', { type: event.type, message: err.message }))
      .finally(() => this.pending.delete(sent));
    this.pending.add(sent);
  }

  /** Subscriptions listening on this instance (the metrics' gauge). */
  get subscriptions(): number {
    return this.listening;
  }

  /** Waits for events still being published (before the bus closes). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private deliver(event: LiveEvent): void {
    if (event.at !== undefined) this.onDelivered?.((Date.now() - event.at) / 1000);
    if (event.type === 'sessions') this.recheck(event.userId);
    else if (event.type === 'cart') this.topics.emit(`cart:${event.userId}`, event);
    else if (event.type === 'product') this.topics.emit(`product:${event.productId}`, event);
    else for (const notice of event.events) this.topics.emit('audit', notice);
  }

  private recheck(userId: string): void {
    if (!this.registry) return;
    const previous = this.rechecks.get(userId) ?? Promise.resolve();
    const next: Promise<void> = previous
      .then(() => this.registry!.recheckUser(userId))
      .catch(() => undefined)
      .finally(() => {
        if (this.rechecks.get(userId) === next) this.rechecks.delete(userId);
      });
    this.rechecks.set(userId, next);
  }
}
