import { BadUserInputError } from '../../errors';

export const EMAIL_MAX = 254;
const LOCAL_MAX = 64;
// No spaces, no control characters, none of the characters that end an address in a header.
const FORBIDDEN = /[\s\p{Cc}<>()[\],;:"\\]/u;

export interface Address {
  /** As given, trimmed, with the domain lower-cased. */
  email: string;
  /** The whole address lower-cased: the unique key. */
  key: string;
}

/**
 * A sane shape, not RFC 5322 in full: one "@", a non-empty local part of at most 64 characters (no dot needed),
 * a domain of labels separated by single dots; at most 254 characters in all.
 */
export function parseEmail(raw: unknown, field = 'email'): Address {
  const refuse = () => new BadUserInputError(field, 'Enter an e-mail address such as name@example.com (at most 254 characters).', 'EMAIL_INVALID');
  if (typeof raw !== 'string') throw refuse();
  const trimmed = raw.trim();
  const at = trimmed.indexOf('@');
  if (trimmed.length > EMAIL_MAX || at < 1 || at !== trimmed.lastIndexOf('@') || FORBIDDEN.test(trimmed)) throw refuse();
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1).toLowerCase();
  if (local.length > LOCAL_MAX || !domain || domain.split('.').some((label) => !label || label.length > 63 || label.startsWith('-') || label.endsWith('-'))) throw refuse();
  const email = `${local}@${domain}`;
  return { email, key: email.toLowerCase() };
}

/** The lookup key of what a person typed, or null when it cannot be an address (no error: used by login). */
export function emailKeyOf(raw: string): string | null {
  try {
    return parseEmail(raw).key;
  } catch {
    return null;
  }
}
