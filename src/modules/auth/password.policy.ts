import { dictionary } from '@zxcvbn-ts/language-common';
import { BadUserInputError } from '../../errors';

/** zxcvbn-ts's list of common passwords (about 49k, lower-case), checked offline. */
const COMMON = new Set<string>((dictionary as Record<string, string[]>)['passwords-common']);

/** Refuses passwords an attacker would try first: common ones and the username itself. */
export function assertNotGuessable(nfcPassword: string, username: string, field = 'password'): void {
  const lowered = nfcPassword.toLowerCase();
  if (lowered === username.toLowerCase()) {
    throw new BadUserInputError(field, 'Password must not be the username.', 'PASSWORD_IS_USERNAME');
  }
  if (COMMON.has(lowered)) {
    throw new BadUserInputError(field, 'This password is too common; choose another.', 'PASSWORD_TOO_COMMON');
  }
}
