import type { Logger } from './lib/logger';

/** Where a request came from (the same shape as the session module's ClientMeta). */
export interface EventMeta {
  ip: string | null;
  userAgent: string | null;
}

/**
 * What can happen to an account, and what each event carries besides the common fields. A module adds its
 * own types where it lives, by declaration merging:
 * `declare module '../../events' { interface AccountEventPayloads { MFA_RESET: { by: string } } }`.
 * Payloads hold ids and facts, never secrets; fields named `email`/`newEmail` are kept out of the audit trail.
 */
export interface AccountEventPayloads {
  REGISTERED: { method?: 'oidc'; provider?: string };
  LOGIN_SUCCEEDED: { method?: 'oidc' | 'passkey'; provider?: string; via?: 'code'; newDevice?: boolean; secondFactor?: 'totp' | 'recovery_code' | 'passkey' };
  /** Sessions ended, or what the account may do shrank: open sockets re-check. Not audited (the cause is). */
  SESSIONS_CHANGED: Record<never, never>;
  PASSWORD_CHANGED: { by?: string; apiTokensRevoked?: number; apiTokensKept?: boolean };
  PASSWORD_SET: Record<never, never>;
  USER_ACTIVATED: { by: string };
  USER_DEACTIVATED: { by: string };
  /** The row is gone when listeners run: `email` is the verified address it had, for the notice. */
  ACCOUNT_DELETED: { username?: string; email?: string | null };
  ROLE_GRANTED: { role: string; by: string };
  ROLE_REVOKED: { role: string; by: string };
  ROLE_CHANGED: { from: string; to: string; by: string };
  API_TOKEN_CREATED: { tokenId: string; name: string; scopes: string[]; expiresAt: string };
  API_TOKEN_REVOKED: { tokenId: string; name: string; by: string };
  IDENTITY_LINKED: { provider: string; identityId: string };
  IDENTITY_UNLINKED: { provider: string; identityId: string };
  EMAIL_VERIFICATION_SENT: Record<never, never>;
  EMAIL_VERIFIED: Record<never, never>;
  EMAIL_CHANGE_REQUESTED: Record<never, never>;
  /** `email` is the previous address (verified ones get the notice), `newEmail` the one now in use. */
  EMAIL_CHANGED: { email: string | null; previousVerified: boolean; newEmail: string };
  PASSWORD_RESET_REQUESTED: Record<never, never>;
  PASSWORD_RESET_SENT: { by: string };
  /** resetPassword: every session and API token of the account ended, and a new session started. */
  PASSWORD_RESET: Record<never, never>;
}

export type AccountEventType = keyof AccountEventPayloads;

/** The fields every event has. */
export interface AccountEventBase {
  userId: string;
  sessionId?: string | null;
  meta?: EventMeta;
}

export type AccountEvent<K extends AccountEventType = AccountEventType> = {
  [T in K]: { type: T } & AccountEventBase & AccountEventPayloads[T];
}[K];

export type AccountListener<K extends AccountEventType = AccountEventType> = (event: AccountEvent<K>) => void | Promise<void>;

/**
 * The one seam through which a module says what happened to an account; live revocation, audit and mail
 * listen. Emit only after the change is committed. Listeners run at once, in the order they subscribed, on
 * the emitting instance; a listener's failure is logged and never reaches the emitter or the other listeners.
 */
export class AccountEvents {
  private readonly byType = new Map<AccountEventType, AccountListener[]>();
  private readonly any: AccountListener[] = [];
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  on<K extends AccountEventType>(types: K | readonly K[], listener: AccountListener<K>): void {
    for (const type of typeof types === 'string' ? [types] : types) {
      const list = this.byType.get(type) ?? [];
      list.push(listener as AccountListener);
      this.byType.set(type, list);
    }
  }

  /** Every event, including types added later (the audit trail). */
  onAny(listener: AccountListener): void {
    this.any.push(listener);
  }

  emit<K extends AccountEventType>(event: AccountEvent<K>): void {
    for (const listener of [...this.any, ...(this.byType.get(event.type) ?? [])]) {
      try {
        const result = listener(event as AccountEvent);
        if (result) this.track(event.type, result);
      } catch (err) {
        this.warn(event.type, err);
      }
    }
  }

  /** Resolves once every asynchronous listener started so far has finished (before a stop, and in tests). */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private track(type: AccountEventType, result: Promise<void>): void {
    const done: Promise<void> = result.catch((err) => this.warn(type, err)).finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  private warn(type: AccountEventType, err: unknown): void {
    this.logger.warn('account event listener failed', { type, message: err instanceof Error ? err.message : String(err) });
  }
}
