import { randomBytes } from 'node:crypto';

const MIN = 3;
const MAX = 32;
const FALLBACK = 'user';

/** The claims a new account's username may come from. */
export interface NameClaims {
  preferred_username?: unknown;
  email?: unknown;
}

/**
 * A valid username (3–32 of A–Z a–z 0–9 _ . -) from `preferred_username`, else the e-mail's local part, else "user":
 * accents are dropped ("Jürgen" → "Jurgen"), other characters become "_", and an e-mail-like
 * preferred_username (Entra's UPN) keeps only its local part.
 */
export function baseUsername(claims: NameClaims): string {
  const source = [claims.preferred_username, claims.email].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  if (!source) return FALLBACK;
  const local = source.includes('@') ? source.slice(0, source.lastIndexOf('@')) : source;
  const cleaned = local
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .replace(/^[_.-]+|[_.-]+$/g, '')
    .slice(0, MAX)
    .replace(/[_.-]+$/, '');
  if (cleaned.length >= MIN) return cleaned;
  return cleaned ? `${cleaned}_${FALLBACK}`.slice(0, MAX) : FALLBACK;
}

/** The n-th candidate for a base name: the name itself, then name-2 … name-9, then name-<random hex>, all ≤ 32. */
export function candidate(base: string, attempt: number): string {
  if (attempt === 0) return base;
  const suffix = attempt < 9 ? `-${attempt + 1}` : `-${randomBytes(3).toString('hex')}`;
  return base.slice(0, MAX - suffix.length) + suffix;
}
