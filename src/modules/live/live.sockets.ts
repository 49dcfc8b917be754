import type { AuthFailure } from '../../errors';
import type { Clock } from '../../lib/clock';
import type { BearerAuth } from '../../context';
import type { ClientMeta } from '../session/session.service';
import { CLOSE } from './live.codes';

/** The credential a socket was opened with: a session's access token, or an API token. */
export type SocketAuth = Extract<BearerAuth, { failure: null }>;

/** One authenticated socket: what is needed to re-check it, and to close it when its credentials stop being good. */
export interface LiveSocket {
  userId: string;
  auth: SocketAuth;
  meta: ClientMeta;
  /** Epoch ms when the credential lapses on its own: the access token's exp, or the API token's expiry. */
  expiresAt: number;
  /** The permissions in effect at the last check (open, or a re-check); if any is gone at a re-check, the socket closes. */
  permissions: ReadonlySet<string>;
  close(code: number, reason: string): void;
  expiry?: NodeJS.Timeout;
}

/** What a credential is worth now: why it is refused (the HTTP reasons), or whose it is and what it may do. */
export type SocketInspection =
  | { failure: AuthFailure }
  | { failure: null; userId: string; expiresAt: number; permissions: ReadonlySet<string> };
export type SocketInspector = (auth: SocketAuth, meta: ClientMeta) => Promise<SocketInspection>;

/** setTimeout's longest delay (about 24.8 days); an API token may live a year. */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * The authenticated sockets of this instance, by user: per-user limits, a close when the credential lapses,
 * and re-checks when another instance says the user's sessions or roles changed (or periodically, for lost
 * events): a refused credential closes with its HTTP reason, lost permissions with PERMISSIONS_CHANGED.
 */
export class SocketRegistry {
  private readonly byUser = new Map<string, Set<LiveSocket>>();
  /** Open anonymous sockets per client address. */
  private readonly anonymous = new Map<string, number>();
  private count = 0;

  constructor(
    private readonly inspect: SocketInspector,
    private readonly clock: Clock,
    private readonly maxPerUser: number,
    private readonly maxAnonymousPerIp = Infinity,
  ) {}

  /** False when the address already holds the most anonymous sockets allowed on this instance. */
  addAnonymous(ip: string): boolean {
    const held = this.anonymous.get(ip) ?? 0;
    if (held >= this.maxAnonymousPerIp) return false;
    this.anonymous.set(ip, held + 1);
    return true;
  }

  removeAnonymous(ip: string): void {
    const held = (this.anonymous.get(ip) ?? 0) - 1;
    if (held > 0) this.anonymous.set(ip, held);
    else this.anonymous.delete(ip);
  }

  /** False when the user already holds the most sockets allowed on this instance. */
  add(socket: LiveSocket): boolean {
    const set = this.byUser.get(socket.userId) ?? new Set();
    if (set.size >= this.maxPerUser) return false;
    set.add(socket);
    this.count++;
    this.byUser.set(socket.userId, set);
    this.arm(socket);
    return true;
  }

  remove(socket: LiveSocket): void {
    clearTimeout(socket.expiry);
    const set = this.byUser.get(socket.userId);
    if (!set?.delete(socket)) return;
    this.count--;
    if (!set.size) this.byUser.delete(socket.userId);
  }

  /** Sockets open (the metrics' gauge). */
  get size(): number {
    return this.count;
  }

  /** Closes the user's sockets whose credential or account is no longer good, or whose permissions shrank. */
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

  /** Closed when the credential lapses, exactly: it would be refused over HTTP from then on (skew aside). */
  private arm(socket: LiveSocket): void {
    const ms = Math.max(0, socket.expiresAt - this.clock.now().getTime());
    const reason = socket.auth.apiToken ? 'API_TOKEN_EXPIRED' : 'TOKEN_EXPIRED';
    socket.expiry = ms > MAX_DELAY ? setTimeout(() => this.arm(socket), MAX_DELAY) : setTimeout(() => socket.close(CLOSE.auth, reason), ms);
  }

  private async recheck(socket: LiveSocket): Promise<void> {
    const now = await this.inspect(socket.auth, socket.meta).catch(() => null); // a database hiccup keeps the socket until the next check
    if (!now) return;
    if (now.failure) socket.close(CLOSE.auth, now.failure);
    else if ([...socket.permissions].some((p) => !now.permissions.has(p))) socket.close(CLOSE.auth, 'PERMISSIONS_CHANGED');
    // What was granted since the socket opened counts from now on: losing it later closes the socket too.
    else socket.permissions = now.permissions;
  }
}
