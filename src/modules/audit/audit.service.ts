import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { checkFirst, decodeCursor, encodeCursor } from '../../lib/pagination';
import { AuditEvent, FAILURE_TYPES, outcomeOf, type AuditEventType, type AuditOutcome } from './audit-event.entity';

export const AUDIT_CURSOR = 'audit';
const DETAIL_MAX = 1000;

export interface AuditRecord {
  type: AuditEventType;
  /** The subject: the account the event is about. */
  userId?: string | null;
  /** Who acted (an admin on the subject, or the subject themself); left out or null when unknown. */
  actorId?: string | null;
  sessionId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Event-specific facts; never secrets (no passwords, no tokens). */
  detail?: Record<string, unknown>;
}

/** Every condition given must hold; `types` empty or null means every type. */
export interface AuditFilter {
  userId?: string | null;
  type?: AuditEventType | null;
  types?: readonly AuditEventType[] | null;
  actorId?: string | null;
  outcome?: AuditOutcome | null;
  since?: Date | null;
  until?: Date | null;
}

export interface AuditPage {
  events: AuditEvent[];
  hasNextPage: boolean;
  totalCount: number;
}

/** Events recorded within this window are written together: one insert, one commit (one fsync on SQLite). */
const BATCH_WINDOW_MS = 20;
const BATCH_MAX = 200;

/** Writes the audit trail beside the user's operation, never inside it, and pages through it for admins. */
export class AuditService {
  private queue: AuditEvent[] = [];
  private timer?: NodeJS.Timeout;
  /** The batches handed to the database, written one after another in call order. */
  private writing: Promise<void> = Promise.resolve();

  /** Told of every event as it is recorded (the metrics count sign-ins, rotations and reuse from here). */
  onRecord?: (input: AuditRecord) => void;
  /** Told of each batch once its rows are written (the live tail publishes them from here). */
  onWritten?: (events: readonly AuditEvent[]) => void;

  constructor(private readonly getEm: () => EntityManager, private readonly clock: Clock, private readonly logger: Logger) {}

  /** Fire-and-forget: a lost event is logged, but never fails (or slows) the operation it describes. */
  record(input: AuditRecord): void {
    this.onRecord?.(input);
    try {
      // Built now, so the event keeps its time and its place in call order however late its batch is written.
      this.queue.push(
        new AuditEvent({
          type: input.type,
          at: this.clock.now(),
          userId: input.userId,
          actorId: input.actorId,
          sessionId: input.sessionId,
          ip: input.ip?.slice(0, 64),
          userAgent: input.userAgent?.slice(0, 512),
          detail: toDetail(input.detail),
        }),
      );
    } catch (err) {
      this.warn(input.type, err);
      return;
    }
    if (this.queue.length >= BATCH_MAX) this.drain();
    else this.timer ??= setTimeout(() => this.drain(), BATCH_WINDOW_MS);
  }

  /** Resolves once every event recorded so far is written (or given up on), including ones recorded meanwhile. */
  async flush(): Promise<void> {
    do {
      this.drain();
      await this.writing;
    } while (this.queue.length);
  }

  private drain(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length) {
      const batch = this.queue.splice(0, BATCH_MAX);
      this.writing = this.writing.then(() => this.write(batch));
    }
  }

  private async write(batch: AuditEvent[]): Promise<void> {
    try {
      // Its own fork, outside any caller transaction: a rollback there must not erase the events, nor the events block it.
      await this.getEm().fork().insertMany(batch);
    } catch (err) {
      for (const event of batch) this.warn(event.type, err);
      return;
    }
    try {
      this.onWritten?.(batch);
    } catch (err) {
      this.warn(batch[0].type, err);
    }
  }

  /** Newest first: uuidv7 ids are time-ordered, so the id is both the order and the cursor. Every filter must hold. */
  async page(em: EntityManager, first: number, after: string | null | undefined, ...filters: AuditFilter[]): Promise<AuditPage> {
    checkFirst(first);
    const beforeId = after == null ? null : decodeCursor(AUDIT_CURSOR, after);
    const where = whereOf(filters);
    const [rows, totalCount] = await Promise.all([
      em.find(AuditEvent, beforeId ? { $and: [where, { id: { $lt: beforeId } }] } : where, { orderBy: { id: 'desc' }, limit: first + 1 }),
      em.count(AuditEvent, where),
    ]);
    return { events: rows.slice(0, first), hasNextPage: rows.length > first, totalCount };
  }

  /** One event by id (the live tail loads what the bus names). */
  get(em: EntityManager, id: string): Promise<AuditEvent | null> {
    return em.findOne(AuditEvent, { id });
  }

  private warn(type: AuditEventType, err: unknown): void {
    try {
      this.logger.warn('audit event not recorded', { type, message: err instanceof Error ? err.message : String(err) });
    } catch {
      // A broken logger must not turn a lost event into an unhandled rejection.
    }
  }
}

/** Oversized details are replaced, not cut, so the column always holds valid JSON. */
function toDetail(detail: Record<string, unknown> | undefined): string | null {
  if (!detail) return null;
  const text = JSON.stringify(detail);
  return text.length <= DETAIL_MAX ? text : JSON.stringify({ truncated: true });
}

function whereOf(filters: AuditFilter[]): FilterQuery<AuditEvent> {
  const all: FilterQuery<AuditEvent>[] = [];
  for (const filter of filters) {
    if (filter.userId != null) all.push({ userId: filter.userId });
    if (filter.actorId != null) all.push({ actorId: filter.actorId });
    if (filter.type != null) all.push({ type: filter.type });
    if (filter.types?.length) all.push({ type: { $in: [...new Set(filter.types)] } });
    if (filter.outcome != null) all.push({ type: filter.outcome === 'FAILURE' ? { $in: [...FAILURE_TYPES] } : { $nin: [...FAILURE_TYPES] } });
    if (filter.since != null) all.push({ at: { $gte: filter.since } });
    if (filter.until != null) all.push({ at: { $lt: filter.until } });
  }
  return all.length ? { $and: all } : {};
}

/** The filter as the live tail applies it to one event (since and until do not apply to what happens now). */
export function matchesFilter(event: Pick<AuditEvent, 'type' | 'userId' | 'actorId'>, filter: AuditFilter): boolean {
  if (filter.userId != null && event.userId !== filter.userId) return false;
  if (filter.actorId != null && event.actorId !== filter.actorId) return false;
  if (filter.type != null && event.type !== filter.type) return false;
  if (filter.types?.length && !filter.types.includes(event.type)) return false;
  return filter.outcome == null || outcomeOf(event.type) === filter.outcome;
}

/** For callers that page by hand (tests, scripts). */
export const encodeAuditCursor = (id: string): string => encodeCursor(AUDIT_CURSOR, id);
