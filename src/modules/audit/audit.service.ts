import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { checkFirst, decodeCursor, encodeCursor } from '../../lib/pagination';
import { AuditEvent, type AuditEventType } from './audit-event.entity';

export const AUDIT_CURSOR = 'audit';
const DETAIL_MAX = 1000;

export interface AuditRecord {
  type: AuditEventType;
  userId?: string | null;
  sessionId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Event-specific facts; never secrets (no passwords, no tokens). */
  detail?: Record<string, unknown>;
}

export interface AuditFilter {
  userId?: string | null;
  type?: AuditEventType | null;
}

export interface AuditPage {
  events: AuditEvent[];
  hasNextPage: boolean;
  totalCount: number;
}

/** Writes the audit trail beside the user's operation, never inside it, and pages through it for admins. */
export class AuditService {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly getEm: () => EntityManager, private readonly clock: Clock, private readonly logger: Logger) {}

  /** Fire-and-forget: a lost event is logged, but never fails (or slows) the operation it describes. */
  record(input: AuditRecord): void {
    // The async wrapper turns synchronous throws (a closed ORM, a bad detail) into a handled rejection.
    const write = (async () => {
      const event = new AuditEvent({
        type: input.type,
        at: this.clock.now(),
        userId: input.userId,
        sessionId: input.sessionId,
        ip: input.ip?.slice(0, 64),
        userAgent: input.userAgent?.slice(0, 512),
        detail: toDetail(input.detail),
      });
      // Its own fork, outside any caller transaction: a rollback there must not erase the event, nor the event block it.
      await this.getEm().fork().insert(event);
    })().catch((err: unknown) => this.warn(input.type, err));
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  /** Resolves once every event recorded so far is written (or given up on). */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** Newest first: uuidv7 ids are time-ordered, so the id is both the order and the cursor. */
  async page(em: EntityManager, first: number, after: string | null | undefined, filter: AuditFilter = {}): Promise<AuditPage> {
    checkFirst(first);
    const beforeId = after == null ? null : decodeCursor(AUDIT_CURSOR, after);
    const where: FilterQuery<AuditEvent> = {
      ...(filter.userId != null ? { userId: filter.userId } : {}),
      ...(filter.type != null ? { type: filter.type } : {}),
    };
    const [rows, totalCount] = await Promise.all([
      em.find(AuditEvent, beforeId ? { ...where, id: { $lt: beforeId } } : where, { orderBy: { id: 'desc' }, limit: first + 1 }),
      em.count(AuditEvent, where),
    ]);
    return { events: rows.slice(0, first), hasNextPage: rows.length > first, totalCount };
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

/** For callers that page by hand (tests, scripts). */
export const encodeAuditCursor = (id: string): string => encodeCursor(AUDIT_CURSOR, id);
