import type { AuthFailure } from '../../errors';
import type { Clock } from '../../lib/clock';
import type { AccessClaims } from '../auth/token.service';
import { CLOSE } from './live.codes';

/** One authenticated socket: what is needed to close it when its credentials stop being good. */
export interface LiveSocket {
  claims: AccessClaims;
  close(code: number, reason: string): void;
  expiry?: NodeJS.Timeout;
}

/** Loads the token's session and user; null when still good, else why not (the HTTP reasons). */
export type SessionCheck = (claims: AccessClaims) => Promise<AuthFailure | null>;

/**
 * The authenticated sockets of this instance, by user: per-user limits, a close at `exp`, and
 * re-checks of the session when another instance says it changed (or periodically, for lost events).
 */
export class SocketRegistry {
  private readonly byUser = new Map<string, Set<LiveSocket>>();

  constructor(private readonly check: SessionCheck, private readonly clock: Clock, private readonly maxPerUser: number) {}

  get size(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  /** False when the user already holds the most sockets allowed on this instance. */
  add(socket: LiveSocket): boolean {
    const set = this.byUser.get(socket.claims.sub) ?? new Set();
    if (set.size >= this.maxPerUser) return false;
    set.add(socket);
    this.byUser.set(socket.claims.sub, set);
    // Closed at exp exactly: the token would be refused over HTTP from then on (skew aside).
    const ms = socket.claims.exp * 1000 - this.clock.now().getTime();
    socket.expiry = setTimeout(() => socket.close(CLOSE.auth, 'TOKEN_EXPIRED'), Math.max(0, ms));
    return true;
  }

  remove(socket: LiveSocket): void {
    clearTimeout(socket.expiry);
    const set = this.byUser.get(socket.claims.sub);
    if (!set) return;
    set.delete(socket);
    if (!set.size) this.byUser.delete(socket.claims.sub);
  }

  /** Closes the user's sockets whose session or account is no longer good, with the same reason as HTTP. */
  async recheckUser(userId: string): Promise<void> {
    await Promise.all([...(this.byUser.get(userId) ?? [])].map((s) => this.recheck(s)));
  }

  /** Every socket, a few at a time so a large instance does not flood the database. */
  async recheckAll(batch = 20): Promise<void> {
    const all = [...this.byUser.values()].flatMap((set) => [...set]);
    for (let i = 0; i < all.length; i += batch) await Promise.all(all.slice(i, i + batch).map((s) => this.recheck(s)));
  }

  /** Going away (shutdown): clients reconnect to another instance. */
  closeAll(code: number, reason: string): void {
    for (const set of this.byUser.values()) for (const s of set) s.close(code, reason);
  }

  private async recheck(socket: LiveSocket): Promise<void> {
    const failure = await this.check(socket.claims).catch(() => null); // a database hiccup keeps the socket until the next check
    if (failure) socket.close(CLOSE.auth, failure);
  }
}
