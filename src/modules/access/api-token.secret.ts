import { createHash, randomBytes } from 'node:crypto';

/** Recognisable to people and secret scanners, like GitHub's ghp_ and refresh tokens' tgr_. */
export const API_TOKEN_PREFIX = 'tg_pat_';
/** 36 random bytes: 288 bits, of which the five characters shown as `prefix` give away 30. */
const SECRET_BYTES = 36;
const FORMAT = /^tg_pat_[A-Za-z0-9_-]{48}$/;
/** What ApiToken.prefix shows: tg_pat_ and the first five characters of the secret. */
const SHOWN = API_TOKEN_PREFIX.length + 5;

/** The presented token as the context keeps it: only its hash, so the secret is in no object that could be logged. */
export interface PresentedApiToken {
  hash: string;
}

export const looksLikeApiToken = (token: string): boolean => token.startsWith(API_TOKEN_PREFIX);
export const isWellFormedApiToken = (token: string): boolean => FORMAT.test(token);
export const hashApiToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export function newApiTokenSecret(): { token: string; hash: string; prefix: string } {
  const token = API_TOKEN_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
  return { token, hash: hashApiToken(token), prefix: token.slice(0, SHOWN) };
}
