import type { AccountEvent, AccountEvents } from '../../events';
import { AUDIT_EVENT_TYPES, type AuditEventType } from './audit-event.entity';
import type { AuditService } from './audit.service';

const AUDITED: ReadonlySet<string> = new Set(AUDIT_EVENT_TYPES);
/** Common fields, and addresses: the trail names accounts by id, it is not a directory of e-mail addresses. */
const NOT_DETAIL = new Set(['type', 'userId', 'sessionId', 'meta', 'email', 'newEmail']);

/** Every account event whose type is an audit type is recorded, its payload (minus addresses) as the detail. */
export function auditAccountEvents(events: AccountEvents, audit: AuditService): void {
  events.onAny((event) => {
    if (!AUDITED.has(event.type)) return;
    audit.record({ type: event.type as AuditEventType, userId: event.userId, sessionId: event.sessionId, ...event.meta, detail: detailOf(event) });
  });
}

function detailOf(event: AccountEvent): Record<string, unknown> | undefined {
  const entries = Object.entries(event).filter(([key, value]) => !NOT_DETAIL.has(key) && value !== undefined);
  return entries.length ? Object.fromEntries(entries) : undefined;
}
