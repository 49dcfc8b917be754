import type { AccountEvent, AccountEvents } from '../../events';
import { isUuid } from '../../lib/ids';
import { AUDIT_EVENT_TYPES, type AuditEventType } from './audit-event.entity';
import type { AuditService } from './audit.service';

const AUDITED: ReadonlySet<string> = new Set(AUDIT_EVENT_TYPES);
/** Common fields, names and addresses: the trail names accounts by id; it is not a directory of people. */
const NOT_DETAIL = new Set(['type', 'userId', 'sessionId', 'meta', 'username', 'email', 'newEmail']);

/** Asked for by someone who has not proven to be the account (any address may ask for a reset link). */
const ANONYMOUS: ReadonlySet<string> = new Set(['PASSWORD_RESET_REQUESTED']);

/** Every account event whose type is an audit type is recorded, its payload (minus addresses) as the detail. */
export function auditAccountEvents(events: AccountEvents, audit: AuditService): void {
  events.onAny((event) => {
    if (!AUDITED.has(event.type)) return;
    audit.record({ type: event.type as AuditEventType, userId: event.userId, actorId: actorOf(event), sessionId: event.sessionId, ...event.meta, detail: detailOf(event) });
  });
}

/**
 * Who acted: the account an event's `by` names (an admin acting on someone; "cli", the operator, is no account),
 * else the person themself, who signed in or proved control of the account to do it.
 */
function actorOf(event: AccountEvent): string | null {
  if ('by' in event && event.by !== undefined) return isUuid(event.by) ? event.by : null;
  return ANONYMOUS.has(event.type) ? null : event.userId;
}

function detailOf(event: AccountEvent): Record<string, unknown> | undefined {
  const entries = Object.entries(event).filter(([key, value]) => !NOT_DETAIL.has(key) && value !== undefined);
  return entries.length ? Object.fromEntries(entries) : undefined;
}
