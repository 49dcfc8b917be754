import type { ClientMeta } from '../session/session.service';

/** What happened to an account's second factors; notices by e-mail subscribe to these (docs/mfa.md#notices). */
export type MfaEvent =
  | { type: 'MFA_FACTOR_ADDED'; userId: string; method: 'totp' | 'passkey'; meta: ClientMeta }
  | { type: 'MFA_FACTOR_REMOVED'; userId: string; method: 'totp' | 'passkey'; meta: ClientMeta }
  | { type: 'RECOVERY_CODES_REGENERATED'; userId: string; meta: ClientMeta }
  | { type: 'RECOVERY_CODE_USED'; userId: string; left: number; meta: ClientMeta }
  | { type: 'MFA_RESET'; userId: string; by: string | null; meta: ClientMeta };

export interface MfaEvents {
  emit(event: MfaEvent): void;
}
