/**
 * The signed-in person, in memory only: the access token lives in this object and nowhere else (no localStorage, no
 * sessionStorage, no readable cookie). The refresh token is the server's HttpOnly cookie, which this code never sees;
 * `refresh()` spends it. One refresh runs at a time, and a request that failed with an old token does not start
 * another one once a newer token exists, so ten requests that hit an expired token cause one `refreshToken` call.
 */

export interface Viewer {
  id: string;
  username: string;
}

/** What login, register, refreshToken and changePassword return (the fields the app asks for). */
export interface TokenPayload {
  accessToken: string;
  expiresIn: number;
  sessionId: string;
  user: Viewer;
}

export type AuthState =
  | { status: 'starting' }
  /** `reason` is the error code or reason that ended the session (null: signed out on purpose, or never signed in). */
  | { status: 'signedOut'; reason: string | null }
  | { status: 'signedIn'; viewer: Viewer; sessionId: string };

/** The outcome of one `refreshToken` call. */
export type RefreshResult = { ok: true; payload: TokenPayload } | { ok: false; reason: string };

export type Refresher = () => Promise<RefreshResult>;

/** Whether this browser may hold a refresh cookie: a flag, not a secret (the cookie itself is HttpOnly). */
export interface SignedInHint {
  get(): boolean;
  set(value: boolean): void;
}

const HINT_KEY = 'tokengate.signed-in';

/** localStorage, shared by the tabs; where there is none (tests in Node), always "maybe", as before the hint. */
export function storageHint(): SignedInHint {
  type KeyValue = { getItem(key: string): string | null; setItem(key: string, value: string): void; removeItem(key: string): void };
  const storage = (globalThis as { localStorage?: KeyValue }).localStorage ?? null;
  return {
    get: () => {
      try {
        return !storage || storage.getItem(HINT_KEY) === '1';
      } catch {
        return true; // storage blocked: try the cookie, as before the hint
      }
    },
    set: (value) => {
      try {
        if (value) storage?.setItem(HINT_KEY, '1');
        else storage?.removeItem(HINT_KEY);
      } catch {
        // storage full or blocked: the next load just tries the cookie
      }
    },
  };
}

export class AuthSession {
  private token: string | null = null;
  private expiresAt = 0;
  private expired = false;
  private inflight: Promise<string | null> | null = null;
  /** Bumped by signOut, so a refresh that was already running cannot sign the person back in. */
  private epoch = 0;
  private state: AuthState = { status: 'starting' };
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly refresher: Refresher,
    private readonly now: () => number = Date.now,
    private readonly hint: SignedInHint = storageHint(),
  ) {}

  /** For React's useSyncExternalStore: the same object until the state changes. */
  readonly getState = (): AuthState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  accessToken(): string | null {
    return this.token;
  }

  /** Boot: a reload keeps the person signed in through the refresh cookie; without one, the login screen (no message). */
  async start(): Promise<void> {
    this.set({ status: 'starting' });
    // Never signed in in this browser (or signed out since): no cookie to spend, so no refresh call and no 401 logged.
    if (!this.hint.get()) return this.signOut(null);
    await this.refresh();
  }

  signIn(payload: TokenPayload): void {
    this.token = payload.accessToken;
    this.expiresAt = this.now() + payload.expiresIn * 1000;
    this.expired = false;
    const { id, username } = payload.user;
    this.hint.set(true);
    this.set({ status: 'signedIn', viewer: { id, username }, sessionId: payload.sessionId });
  }

  /** Forgets the token here; ending the session on the server (logout) is the caller's job. */
  signOut(reason: string | null = null): void {
    this.token = null;
    this.expiresAt = 0;
    this.expired = false;
    this.epoch++;
    // A network error says nothing about the cookie: keep trying it on the next load.
    if (reason !== 'NETWORK_ERROR') this.hint.set(false);
    if (this.state.status === 'signedOut' && this.state.reason === reason) return;
    this.set({ status: 'signedOut', reason });
  }

  /** Trades the refresh cookie for a new access token; concurrent callers share one call. Null when signed out. */
  refresh(): Promise<string | null> {
    const epoch = this.epoch;
    this.inflight ??= this.refresher()
      .then(
        (result) => {
          if (epoch !== this.epoch) return null;
          if (result.ok) {
            this.signIn(result.payload);
            return this.token;
          }
          // No cookie at all is just "not signed in"; anything else is worth telling the person.
          this.signOut(result.reason === 'TOKEN_MISSING' && this.state.status !== 'signedIn' ? null : result.reason);
          return null;
        },
        () => {
          if (epoch === this.epoch) this.signOut('NETWORK_ERROR');
          return null;
        },
      )
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  /**
   * After a request failed with TOKEN_EXPIRED while sending `failed`: refreshes, unless a newer token already exists
   * (another request refreshed first), in which case that one is returned without a second call.
   */
  refreshAfterFailure(failed: string): Promise<string | null> {
    if (this.inflight) return this.inflight;
    if (this.token && this.token !== failed) return Promise.resolve(this.token);
    if (!this.token) return Promise.resolve(null);
    return this.refresh();
  }

  /** The live connection closed with TOKEN_EXPIRED (or TOKEN_REVOKED) for `token`: the next socket connects with a refreshed one. */
  markExpired(token: string | null): void {
    if (token && token === this.token) this.expired = true;
  }

  /** A token for a new WebSocket connection: refreshed first when it is known to be stale. */
  async socketToken(): Promise<string | null> {
    if (this.inflight) return this.inflight;
    if (this.token && (this.expired || this.now() >= this.expiresAt)) return this.refreshAfterFailure(this.token);
    return this.token;
  }

  private set(state: AuthState): void {
    this.state = state;
    for (const listener of [...this.listeners]) listener();
  }
}
