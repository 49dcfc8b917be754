/** RFC 8176 authentication method references, and the one acr value tokengate issues. */
export const MFA_ACR = 'urn:tokengate:mfa';

export type FirstFactor = 'pwd' | 'fed';
export type SecondFactor = 'totp' | 'recovery_code' | 'passkey';

/** The amr of a session opened with a first factor and then a second one (RFC 8176 names). */
export function amrWith(first: FirstFactor, second: SecondFactor): string[] {
  const method = second === 'passkey' ? ['hwk', 'user'] : ['otp'];
  return [first, ...method, 'mfa'];
}

/** A passkey alone: possession of the key plus its user verification, which counts as two factors. */
export const PASSKEY_ONLY_AMR = ['hwk', 'user', 'mfa'];

export const splitAmr = (stored: string | null | undefined): string[] => (stored ? stored.split(' ').filter(Boolean) : []);

export const acrOf = (amr: readonly string[]): string | undefined => (amr.includes('mfa') ? MFA_ACR : undefined);
