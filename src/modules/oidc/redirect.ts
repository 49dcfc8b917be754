/** Where a finished (or refused) sign-in sends the browser. */
export interface RedirectTarget {
  /** Absolute URL, re-serialised by the WHATWG parser: exactly what was checked is what is sent. */
  url: string;
  /** A path on PUBLIC_URL's origin (the cookie-mode session may be delivered), or an origin from OIDC_REDIRECT_ORIGINS (a code only). */
  sameOrigin: boolean;
}

const MAX_LENGTH = 2048;
// Control characters, whitespace and backslashes: browsers strip or reinterpret them ("/\evil" is "//evil").
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0020\u007f-\u00a0\\\u2028\u2029\ufeff]/;

/**
 * Accepts a same-origin path ("/app/x?y#z") or an absolute http(s) URL on PUBLIC_URL's origin or on an allowed
 * origin; anything else (protocol-relative "//evil", "/\evil", "javascript:", credentials, other origins) is null.
 * A missing value means "/".
 */
export function parseRedirect(raw: string | undefined, publicOrigin: string, allowedOrigins: readonly string[]): RedirectTarget | null {
  const value = raw === undefined || raw === '' ? '/' : raw;
  if (value.length > MAX_LENGTH || UNSAFE.test(value)) return null;
  if (value.startsWith('/')) {
    if (value.startsWith('//')) return null;
    const url = tryUrl(value, publicOrigin);
    return url && url.origin === publicOrigin ? { url: url.href, sameOrigin: true } : null;
  }
  const url = tryUrl(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) return null;
  if (url.origin === publicOrigin) return { url: url.href, sameOrigin: true };
  return allowedOrigins.includes(url.origin) ? { url: url.href, sameOrigin: false } : null;
}

/** The target with extra query parameters (code, error, linked), keeping its own query and fragment. */
export function withParams(target: string, params: Record<string, string>): string {
  const url = new URL(target);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

function tryUrl(value: string, base?: string): URL | null {
  try {
    return new URL(value, base);
  } catch {
    return null;
  }
}
