import type { AccountEvents, AccountEventType } from '../../events';
import type { LiveService } from './live.service';

/**
 * Account events after which a credential may be worth less: every instance re-checks that user's sockets
 * (and closes those whose session, token or permissions are gone). A new type that ends access goes here.
 */
export const RECHECK_ON: readonly AccountEventType[] = [
  'SESSIONS_CHANGED',
  'PASSWORD_CHANGED',
  'USER_DEACTIVATED',
  'ACCOUNT_DELETED',
  'ROLE_REVOKED',
  'ROLE_CHANGED',
  'API_TOKEN_REVOKED',
];

export function reviseLiveOnAccountEvents(events: AccountEvents, live: LiveService): void {
  events.on(RECHECK_ON, (event) => live.sessionsChanged(event.userId));
}
