import { ALL_PERMISSIONS, SESSION_ONLY, type Permission } from './permissions';

/**
 * What the viewer may do on this request. `account` comes from the account's roles; `scopes` is set when
 * the request carries an API token, and `effective` is then the intersection, without the session-only
 * permissions. Read once per request, so a role change applies from the next request on.
 */
export interface Grant {
  readonly account: ReadonlySet<Permission>;
  readonly scopes: ReadonlySet<Permission> | null;
  readonly effective: ReadonlySet<Permission>;
  /** With an API token: whether it was minted from a session opened with a second factor; null for a session. */
  readonly tokenSecondFactor: boolean | null;
  /** MFA_REQUIRED_FOR permissions held but left out of `effective`: this request was not signed in with a second factor. */
  readonly gated?: ReadonlySet<Permission>;
}

/**
 * MFA_REQUIRED_FOR, for every check at once: without a second factor the listed permissions leave `effective`
 * (so no policy, resolver or account guard counts them); the directives read `gated` to name the reason.
 */
export function gateSecondFactor(grant: Grant, listed: readonly Permission[]): Grant {
  const gated = new Set(listed.filter((p) => grant.effective.has(p)));
  if (!gated.size) return grant;
  return { ...grant, effective: new Set([...grant.effective].filter((p) => !gated.has(p))), gated };
}

export function makeGrant(account: Iterable<Permission>, scopes: Iterable<Permission> | null, tokenSecondFactor: boolean | null = null): Grant {
  const held = new Set(account);
  if (!scopes) return { account: held, scopes: null, effective: held, tokenSecondFactor: null };
  const scoped = new Set(scopes);
  const effective = new Set(ALL_PERMISSIONS.filter((p) => held.has(p) && scoped.has(p) && !SESSION_ONLY.has(p)));
  return { account: held, scopes: scoped, effective, tokenSecondFactor };
}

/** Why a permission is not in effect: the account lacks it, the token's scopes leave it out, or no token may hold it. */
export type Shortfall = 'INSUFFICIENT_ROLE' | 'INSUFFICIENT_SCOPE' | 'API_TOKEN_NOT_ALLOWED';

export function shortfallOf(grant: Grant, missing: Permission): Shortfall {
  if (!grant.account.has(missing)) return 'INSUFFICIENT_ROLE';
  return grant.scopes && SESSION_ONLY.has(missing) ? 'API_TOKEN_NOT_ALLOWED' : 'INSUFFICIENT_SCOPE';
}

/**
 * Federation's `@requiresScopes` reading: the outer list is OR, each inner list is AND. Returns null when
 * satisfied, else the one permission to name in the refusal: the first missing one (catalogue order) of
 * the alternative that misses the fewest.
 */
export function firstMissing(held: ReadonlySet<string>, alternatives: readonly (readonly string[])[]): string | null {
  let best: string[] | null = null;
  for (const all of alternatives) {
    const missing = all.filter((p) => !held.has(p));
    if (!missing.length) return null;
    if (!best || missing.length < best.length) best = missing;
  }
  if (!best) return null; // an empty outer list requires nothing
  const rank = (p: string) => {
    const i = ALL_PERMISSIONS.indexOf(p as Permission);
    return i < 0 ? ALL_PERMISSIONS.length : i;
  };
  return [...best].sort((a, b) => rank(a) - rank(b))[0];
}
