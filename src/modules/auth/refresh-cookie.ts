import { serialize } from 'cookie';
import type { Context } from '../../context';
import { ForbiddenError } from '../../errors';

/** A request header by which a browser app asks for cookie mode when REFRESH_COOKIE is off (the web app at /app sends it). */
export const COOKIE_MODE_HEADER = 'tokengate-refresh';

/**
 * Cookie mode for this request: on for every client with REFRESH_COOKIE=true, else for a client that asks for it
 * with `Tokengate-Refresh: cookie` (a custom header, so a cross-site page cannot send it without a CORS preflight).
 */
export function cookieMode(ctx: Context): boolean {
  return ctx.config.session.cookie.enabled || ctx.req.headers[COOKIE_MODE_HEADER] === 'cookie';
}

/** Sets the HttpOnly refresh cookie: host-only, SameSite=Strict, scoped to the GraphQL path. */
export function setRefreshCookie(ctx: Pick<Context, 'config' | 'reply'>, token: string, maxAge: number): void {
  const { name, path, secure } = ctx.config.session.cookie;
  ctx.reply.header('set-cookie', serialize(name, token, { httpOnly: true, secure, sameSite: 'strict', path, maxAge }));
}

export function clearRefreshCookie(ctx: Context): void {
  const { name, path, secure } = ctx.config.session.cookie;
  ctx.reply.header('set-cookie', serialize(name, '', { httpOnly: true, secure, sameSite: 'strict', path, maxAge: 0, expires: new Date(0) }));
}

/**
 * The refresh token to act on: the argument when given, else (in cookie mode) the cookie, which a
 * cross-site request may never spend.
 */
export function presentedRefreshToken(ctx: Context, argument: string | null | undefined): string | null {
  if (argument) return argument;
  const fromCookie = cookieMode(ctx) ? ctx.cookies[ctx.config.session.cookie.name] : undefined;
  if (!fromCookie) return null;
  if (isCrossSite(ctx)) throw new ForbiddenError('CROSS_SITE_REQUEST');
  return fromCookie;
}

function isCrossSite(ctx: Context): boolean {
  const site = ctx.req.headers['sec-fetch-site'];
  if (site === 'cross-site') return true;
  const origin = ctx.req.headers.origin;
  if (!origin) return false;
  if (ctx.config.corsOrigins.includes(origin)) return false;
  try {
    return new URL(origin).host !== ctx.req.headers.host;
  } catch {
    return true;
  }
}
