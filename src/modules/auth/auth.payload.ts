import { epochSeconds } from '../../lib/clock';
import type { Context } from '../../context';
import type { IssuedSession } from '../session/session.service';
import type { User } from '../user/user.entity';
import { cookieMode, setRefreshCookie } from './refresh-cookie';

/** The AuthPayload as resolvers return it; `user` is the entity. */
export interface AuthPayloadModel {
  accessToken: string;
  tokenType: 'Bearer' | 'DPoP';
  expiresIn: number;
  refreshToken: string | null;
  refreshExpiresIn: number;
  sessionId: string;
  user: User;
  /** changePassword only: how many API tokens it revoked. */
  apiTokensRevoked?: number;
}

/** Shapes an issued pair for the client; in cookie mode the refresh token goes into the cookie only. */
export function toPayload(ctx: Context, issued: IssuedSession): AuthPayloadModel {
  const refreshExpiresIn = ctx.services.sessions.refreshExpiresIn(issued.session);
  const inCookie = cookieMode(ctx);
  if (inCookie) setRefreshCookie(ctx, issued.refreshToken, refreshExpiresIn);
  return {
    accessToken: issued.accessToken,
    tokenType: issued.session.dpopJkt ? 'DPoP' : 'Bearer',
    expiresIn: Math.max(0, issued.accessExp - epochSeconds(ctx.clock.now())),
    refreshToken: inCookie ? null : issued.refreshToken,
    refreshExpiresIn,
    sessionId: issued.session.id,
    user: issued.user,
  };
}
