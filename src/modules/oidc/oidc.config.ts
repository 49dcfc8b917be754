import { isIP } from 'node:net';
import { parseList } from '../../lib/env';

/** One OpenID Connect provider, from OIDC_<ID>_* variables. */
export interface OidcProviderConfig {
  /** Lower-case id from OIDC_PROVIDERS; the URL segment in /auth/oidc/<id>/…. */
  id: string;
  /** OIDC_<ID>_NAME, default the id: the label of the "Sign in with …" button. */
  name: string;
  /** OIDC_<ID>_ISSUER: the issuer identifier; discovery reads <issuer>/.well-known/openid-configuration. */
  issuer: string;
  /** OIDC_<ID>_CLIENT_ID. */
  clientId: string;
  /** OIDC_<ID>_CLIENT_SECRET; null for a public client, which then relies on PKCE alone. */
  clientSecret: string | null;
  /** OIDC_<ID>_SCOPES, default "openid profile email"; must contain openid. */
  scopes: string;
  /** True only outside production for an http:// issuer on a loopback address (openid-client's allowInsecureRequests). */
  allowInsecure: boolean;
  /** ${PUBLIC_URL}/auth/oidc/<id>/callback, the redirect URI to register with the provider. */
  redirectUri: string;
}

export interface OidcConfig {
  /** PUBLIC_URL without a trailing slash, default http://localhost:${PORT}: the server's public base URL. */
  publicUrl: string;
  /** PUBLIC_URL's origin: same-origin redirect targets are paths on it. */
  publicOrigin: string;
  /** OIDC_REDIRECT_ORIGINS: other origins a flow may return to, always with a one-time login code. */
  redirectOrigins: string[];
  providers: OidcProviderConfig[];
}

const ID = /^[a-z][a-z0-9_]{0,31}$/;
const DEFAULT_SCOPES = 'openid profile email';

/** Parses the OIDC_* variables and PUBLIC_URL; throws a TypeError that says what is expected. */
export function parseOidcConfig(env: NodeJS.ProcessEnv, nodeEnv: 'development' | 'production' | 'test', port: number): OidcConfig {
  const prod = nodeEnv === 'production';
  const ids = parseList(env.OIDC_PROVIDERS);
  const publicUrl = parsePublicUrl(env.PUBLIC_URL, port, prod && ids.length > 0);
  const redirectOrigins = parseList(env.OIDC_REDIRECT_ORIGINS).map((raw) => parseOrigin(raw, prod));
  const seen = new Set<string>();
  const providers = ids.map((id) => {
    if (!ID.test(id)) throw new TypeError(`OIDC_PROVIDERS: "${id}" is not a valid provider id; use 1 to 32 lower-case letters, digits or "_", starting with a letter`);
    if (seen.has(id)) throw new TypeError(`OIDC_PROVIDERS lists "${id}" twice`);
    seen.add(id);
    return parseProvider(env, id, publicUrl.href.replace(/\/$/, ''), prod);
  });
  return { publicUrl: publicUrl.href.replace(/\/$/, ''), publicOrigin: publicUrl.origin, redirectOrigins, providers };
}

function parseProvider(env: NodeJS.ProcessEnv, id: string, publicUrl: string, prod: boolean): OidcProviderConfig {
  const key = (suffix: string) => `OIDC_${id.toUpperCase()}_${suffix}`;
  const value = (suffix: string) => env[key(suffix)]?.trim() || undefined;
  const rawIssuer = value('ISSUER');
  if (!rawIssuer) throw new TypeError(`${key('ISSUER')} is required for provider "${id}": its issuer URL, e.g. https://accounts.google.com`);
  const issuer = parseUrl(key('ISSUER'), rawIssuer);
  if (issuer.search || issuer.hash || issuer.username || issuer.password) {
    throw new TypeError(`${key('ISSUER')} must be a plain issuer URL without credentials, query or fragment; got "${rawIssuer}"`);
  }
  let allowInsecure = false;
  if (issuer.protocol === 'http:') {
    if (prod) throw new TypeError(`${key('ISSUER')} must be https:// when NODE_ENV=production; got "${rawIssuer}"`);
    if (!isLoopback(issuer.hostname)) {
      throw new TypeError(`${key('ISSUER')} must be https://; http:// is accepted only on a loopback address (localhost, 127.0.0.1, ::1) outside production; got "${rawIssuer}"`);
    }
    allowInsecure = true;
  } else if (issuer.protocol !== 'https:') {
    throw new TypeError(`${key('ISSUER')} must be an https:// URL; got "${rawIssuer}"`);
  }
  const clientId = value('CLIENT_ID');
  if (!clientId) throw new TypeError(`${key('CLIENT_ID')} is required for provider "${id}": the client id registered with the provider`);
  const scopes = (value('SCOPES') ?? DEFAULT_SCOPES).split(/[\s,]+/).filter(Boolean);
  if (!scopes.includes('openid')) throw new TypeError(`${key('SCOPES')} must include "openid"; got "${env[key('SCOPES')]}"`);
  return {
    id,
    name: value('NAME') ?? id,
    // The issuer is compared exactly with the discovered one, so keep it as written (minus nothing).
    issuer: rawIssuer,
    clientId,
    clientSecret: value('CLIENT_SECRET') ?? null,
    scopes: [...new Set(scopes)].join(' '),
    allowInsecure,
    redirectUri: `${publicUrl}/auth/oidc/${id}/callback`,
  };
}

function parsePublicUrl(raw: string | undefined, port: number, requireHttps: boolean): URL {
  const url = parseUrl('PUBLIC_URL', raw?.trim() || `http://localhost:${port}`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`PUBLIC_URL must be an http(s) URL; got "${raw}"`);
  if (url.search || url.hash || url.username || url.password) throw new TypeError(`PUBLIC_URL must be a base URL without credentials, query or fragment; got "${raw}"`);
  if (requireHttps && url.protocol !== 'https:') {
    throw new TypeError(`PUBLIC_URL must be set to the server's public https:// URL when NODE_ENV=production and OIDC_PROVIDERS is set; got "${url.href}"`);
  }
  return url;
}

function parseOrigin(raw: string, prod: boolean): string {
  if (raw === '*') throw new TypeError('OIDC_REDIRECT_ORIGINS may not contain "*": list each origin a sign-in may return to');
  const url = parseUrl('OIDC_REDIRECT_ORIGINS', raw);
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== raw.replace(/\/$/, '')) {
    throw new TypeError(`OIDC_REDIRECT_ORIGINS entries must be origins such as https://app.example.com (scheme, host, optional port; no path); got "${raw}"`);
  }
  if (url.protocol === 'http:' && (prod || !isLoopback(url.hostname))) {
    throw new TypeError(`OIDC_REDIRECT_ORIGINS entries must be https:// (http:// only on a loopback address outside production); got "${raw}"`);
  }
  return url.origin;
}

function parseUrl(name: string, raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new TypeError(`${name} must be an absolute URL; got "${raw}"`);
  }
}

/** localhost, 127.0.0.0/8 and ::1: the only hosts where plain http stays on the machine. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
