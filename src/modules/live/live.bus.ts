import { EventEmitter } from 'node:events';
import type { Config } from '../../config';
import type { Logger } from '../../lib/logger';
import { openPostgresBus } from './live.bus.pg';
import { openRedisBus } from './live.bus.redis';

/** An audit row as the bus names it: its id, and what subscriptions filter on before anything is loaded. */
export interface AuditNotice {
  id: string;
  type: string;
  userId: string | null;
  actorId: string | null;
}

/** What instances tell each other: ids only (NOTIFY payloads are capped), each instance loads what it sends. */
export type LiveEvent = (
  | { type: 'sessions'; userId: string } // a user's sessions, role or state changed: re-check their sockets
  | { type: 'cart'; userId: string }
  | { type: 'product'; productId: string }
  | { type: 'audit'; events: AuditNotice[] } // rows just written, in order (a batch, in chunks that fit a NOTIFY)
) & { at?: number }; // epoch ms of publishing, for the delivery-lag metric

export interface LiveBus {
  readonly kind: 'memory' | 'redis' | 'postgresql';
  publish(event: LiveEvent): Promise<void>;
  /** Receives every event, this instance's own included; `resync` runs after a reconnect, when events may have been lost. */
  subscribe(handlers: { event(event: LiveEvent): void; resync(): void }): void;
  close(): Promise<void>;
}

/** Redis pub/sub when REDIS_URL is set, else PostgreSQL LISTEN/NOTIFY when that is the database, else in-process. */
export async function openLiveBus(config: Config, logger: Logger): Promise<LiveBus> {
  const channel = `${config.rateLimitPrefix}_live`;
  // With the rate limits elsewhere (RATE_LIMIT_STORE=memory or database), Redis is only the bus: not worth refusing to start.
  if (config.redisUrl) return openRedisBus(config.redisUrl, channel, logger, config.rateLimitStore === 'auto' || config.rateLimitStore === 'redis');
  if (config.database.kind === 'postgresql') return openPostgresBus(config.database.url, channel, logger);
  return memoryBus();
}

function memoryBus(): LiveBus {
  const emitter = new EventEmitter();
  return {
    kind: 'memory',
    // Asynchronous like the shared buses, so a publisher never runs subscribers inside its own transaction.
    publish: async (event) => void setImmediate(() => emitter.emit('event', event)),
    subscribe: (handlers) => void emitter.on('event', handlers.event),
    close: async () => void emitter.removeAllListeners(),
  };
}

/** Parses a message from another instance; anything malformed is dropped. */
export function parseEvent(raw: string): LiveEvent | null {
  try {
    const e = JSON.parse(raw) as Partial<Record<'type' | 'userId' | 'productId' | 'events' | 'at', unknown>>;
    const at = typeof e.at === 'number' ? { at: e.at } : {};
    if ((e.type === 'sessions' || e.type === 'cart') && typeof e.userId === 'string') return { type: e.type, userId: e.userId, ...at };
    if (e.type === 'product' && typeof e.productId === 'string') return { type: 'product', productId: e.productId, ...at };
    if (e.type === 'audit' && Array.isArray(e.events) && e.events.every(isAuditNotice)) return { type: 'audit', events: e.events, ...at };
  } catch {
    // fall through
  }
  return null;
}

const idOrNull = (v: unknown) => v === null || typeof v === 'string';
function isAuditNotice(v: unknown): v is AuditNotice {
  const n = v as Partial<Record<keyof AuditNotice, unknown>> | null;
  return !!n && typeof n.id === 'string' && typeof n.type === 'string' && idOrNull(n.userId) && idOrNull(n.actorId);
}
