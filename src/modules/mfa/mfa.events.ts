/**
 * Second-factor events on the account-events seam (src/events.ts); the audit trail records each, and the
 * mail notices (docs/mfa.md#notices) subscribe to them.
 */
declare module '../../events' {
  interface AccountEventPayloads {
    /** TOTP confirmed or a passkey registered. */
    MFA_FACTOR_ADDED: { method: 'totp' | 'passkey'; passkeyId?: string };
    /** TOTP turned off or a passkey deleted by the account itself. */
    MFA_FACTOR_REMOVED: { method: 'totp' | 'passkey'; passkeyId?: string };
    RECOVERY_CODES_REGENERATED: Record<never, never>;
    /** A recovery code signed in or confirmed a change; `left` unused codes remain. */
    RECOVERY_CODE_USED: { left: number };
    /** An admin (users:manage) took every second factor off the account. */
    MFA_RESET: { by: string };
  }
}

export {};
