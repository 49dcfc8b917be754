import { randomBytes } from 'node:crypto';
import { parse as parseCookies, serialize, type SerializeOptions } from 'cookie';
import type { Config } from '../../config';

export interface OidcCookie {
  name: string;
  options: SerializeOptions & { path: string };
}

const BINDING = /^[A-Za-z0-9_-]{43}$/;

/**
 * The browser's two sign-in cookies. With secure cookies they are `__Host-` (Secure, Path=/, no Domain), so a
 * sibling subdomain cannot plant one; without (REFRESH_COOKIE_SECURE=false, the http://localhost default in
 * development) they keep plain names, which browsers accept over http.
 */
export function oidcCookies(config: Config): { flow: OidcCookie; link: OidcCookie } {
  const { secure } = config.session.cookie;
  const scoped = `${new URL(config.oidc.publicUrl).pathname.replace(/\/$/, '')}/auth/oidc`;
  // SameSite=Lax: both must come back on the provider's top-level redirect to the callback.
  const options = (path: string) => ({ httpOnly: true, secure, sameSite: 'lax' as const, path });
  return {
    flow: { name: secure ? '__Host-tokengate-oidc' : 'tokengate-oidc', options: options(secure ? '/' : scoped) },
    // Set on the linkIdentity response (served from /graphql), read at /auth/oidc: so Path=/ in both forms.
    link: { name: secure ? '__Host-tokengate-link' : 'tokengate-link', options: options('/') },
  };
}

export const readCookie = (header: string | undefined, name: string): string | undefined => (header ? parseCookies(header)[name] : undefined);

/** The browser's link binding: kept when it has a well-formed one (so two link tickets can be in flight), else new. */
export function linkBinding(present: string | undefined): string {
  return present && BINDING.test(present) ? present : randomBytes(32).toString('base64url');
}

export const setCookie = (cookie: OidcCookie, value: string, maxAge: number) => serialize(cookie.name, value, { ...cookie.options, maxAge });
export const clearCookie = (cookie: OidcCookie) => serialize(cookie.name, '', { ...cookie.options, maxAge: 0, expires: new Date(0) });
