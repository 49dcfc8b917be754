import type { Clock } from '../../lib/clock';
import type { AuditService } from '../audit/audit.service';
import type { ClientMeta } from '../session/session.service';

/** Which login limit refused, and for whom (the limiter's key: a client address or /64, or an account name's hash). */
export interface Lock {
  limit: 'loginIp' | 'loginAccount';
  key: string;
}

interface Open {
  until: number;
  refused: number;
  meta: ClientMeta;
  limit: Lock['limit'];
}

const MAX_OPEN = 10_000;
const SWEEP_EVERY_MS = 1000;

/**
 * Audits a lockout once when it starts, and once more when it is over with the number of requests it refused,
 * instead of a row per refused request (which cost an attacker nothing and filled the trail at hundreds a second).
 * Per instance: with a shared store each instance that refuses a client audits its own share.
 */
export class LockoutLog {
  private readonly open = new Map<string, Open>();
  private lastSweep = 0;

  constructor(private readonly audit: AuditService, private readonly clock: Clock) {}

  refused(lock: Lock, retryAfter: number, meta: ClientMeta): void {
    const now = this.clock.now().getTime();
    const id = `${lock.limit}:${lock.key}`;
    const entry = this.open.get(id);
    const until = now + retryAfter * 1000;
    if (entry && entry.until > now) {
      entry.refused++;
      entry.until = Math.max(entry.until, until);
      return;
    }
    if (entry) this.close(id, entry);
    if (this.open.size >= MAX_OPEN) this.close(...this.open.entries().next().value!); // the oldest
    this.open.set(id, { until, refused: 1, meta, limit: lock.limit });
    this.audit.record({ type: 'LOGIN_LOCKED', ...meta, detail: { limit: lock.limit, retryAfter } });
  }

  /** Closes the lockouts that are over (at most once a second): called on every login attempt. */
  sweep(): void {
    const now = this.clock.now().getTime();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [id, entry] of this.open) if (entry.until <= now) this.close(id, entry);
  }

  private close(id: string, entry: Open): void {
    this.open.delete(id);
    // A lockout that refused only its first request said everything in its opening row.
    if (entry.refused > 1) this.audit.record({ type: 'LOGIN_LOCKED', ...entry.meta, detail: { limit: entry.limit, refused: entry.refused, ended: true } });
  }
}
