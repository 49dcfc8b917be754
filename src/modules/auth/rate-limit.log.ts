import type { Clock } from '../../lib/clock';
import type { AuditService } from '../audit/audit.service';
import type { LimitName } from './rate-limit';

/** The password-login limits: their refusals are LOGIN_LOCKED rows (lockout-log.ts), not RATE_LIMITED ones. */
const LOCKOUTS: ReadonlySet<LimitName> = new Set<LimitName>(['loginIp', 'loginAccount']);
/** Limits keyed by an account name or address hash; the others by the client's address (or /64), kept as the row's ip. */
const HASHED: ReadonlySet<LimitName> = new Set<LimitName>(['loginAccount', 'emailAddress']);
const MAX_OPEN = 10_000;

/**
 * RATE_LIMITED once per limiter key per block window, not per refused request (a flood costs the attacker
 * nothing and would fill the trail). Per instance, like the lockout log: with a shared store each instance
 * that refuses a key records its own row.
 */
export class RateLimitLog {
  /** `<limiter>:<key>` → epoch ms the block lifts. */
  private readonly open = new Map<string, number>();

  constructor(private readonly audit: AuditService, private readonly clock: Clock) {}

  refused(limiter: LimitName, key: string, retryAfter: number): void {
    if (LOCKOUTS.has(limiter)) return;
    const now = this.clock.now().getTime();
    const id = `${limiter}:${key}`;
    const until = this.open.get(id);
    if (until !== undefined && until > now) return;
    // Oldest first (insertion order): drop from the front while full or lifted, so each insert costs O(1) amortised.
    for (const [k, end] of this.open) {
      if (end > now && this.open.size < MAX_OPEN) break;
      this.open.delete(k);
    }
    this.open.set(id, now + retryAfter * 1000);
    this.audit.record({ type: 'RATE_LIMITED', ip: HASHED.has(limiter) ? null : key, detail: { limiter, retryAfter } });
  }
}
