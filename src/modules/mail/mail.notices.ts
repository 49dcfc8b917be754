import type { EntityManager } from '@mikro-orm/core';
import type { AccountEvent, AccountEvents, AccountEventType } from '../../events';
import type { Clock } from '../../lib/clock';
import { User } from '../user/user.entity';
import type { TemplateName } from './mail.templates';
import type { Mailer } from './mailer';
import { formatAt, type MailData } from './templates/layout';

interface NoticeRule<K extends AccountEventType> {
  template: TemplateName;
  /** Only some events of the type deserve a mail (a sign-in from a new device, not every sign-in). */
  when?: (event: AccountEvent<K>) => boolean;
  /** Where it goes when the account's row cannot say (deleted, or the address just changed); default: its verified address. */
  to?: (event: AccountEvent<K>) => { email: string | null; username?: string };
  /** Facts beyond username, time and origin that the template needs. */
  data?: (event: AccountEvent<K>) => MailData;
}

type NoticeRules = { [K in AccountEventType]?: NoticeRule<K> };

/**
 * The security notices: which account event sends which template. A new notice is a template (templates/, and
 * a line in mail.templates.ts) and a line here.
 */
export const NOTICES: NoticeRules = {
  PASSWORD_CHANGED: { template: 'password-changed' },
  PASSWORD_RESET: { template: 'password-reset-done' },
  EMAIL_CHANGED: { template: 'email-changed', to: (e) => ({ email: e.previousVerified ? e.email : null }), data: (e) => ({ newEmail: e.newEmail }) },
  USER_DEACTIVATED: { template: 'account-deactivated' },
  ACCOUNT_DELETED: { template: 'account-deleted', to: (e) => ({ email: e.email ?? null, username: e.username }) },
  LOGIN_SUCCEEDED: { template: 'new-sign-in', when: (e) => e.newDevice === true },
};

/** Queues each notice in the outbox once the event's change is committed; only verified addresses are written to. */
export function sendNotices(events: AccountEvents, mailer: Mailer, getEm: () => EntityManager, clock: Clock, rules: NoticeRules = NOTICES): void {
  if (!mailer.enabled) return;
  for (const [type, rule] of Object.entries(rules) as Array<[AccountEventType, NoticeRule<AccountEventType>]>) {
    events.on(type, async (event) => {
      if (rule.when && !rule.when(event)) return;
      const em = getEm().fork();
      const recipient = rule.to ? rule.to(event) : await verifiedAddress(em, event.userId);
      if (!recipient?.email) return;
      const username = recipient.username ?? (await em.findOne(User, { id: event.userId }, { fields: ['username'] }))?.username;
      if (!username) return;
      mailer.queue(em, rule.template, recipient.email, event.userId, { username, at: formatAt(clock.now()), ip: event.meta?.ip ?? null, userAgent: deviceName(event.meta?.userAgent), ...rule.data?.(event) });
      await em.flush();
      mailer.wake();
    });
  }
}

async function verifiedAddress(em: EntityManager, userId: string): Promise<{ email: string | null; username: string } | null> {
  const user = await em.findOne(User, { id: userId }, { fields: ['username', 'email', 'emailVerified'] });
  return user ? { email: user.emailVerified ? user.email : null, username: user.username } : null;
}

/**
 * The client's own words, shown to the account's owner: short, and with anything that reads as a link or address
 * defused, so a sign-in cannot write "confirm at https://…" into our mail.
 */
export function deviceName(userAgent: string | null | undefined): string | null {
  if (!userAgent) return null;
  const text = userAgent.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\b(?:https?|ftp|mailto|file|javascript|data):\/{0,2}/gi, '').replace(/([a-z])\.(?=[a-z])/gi, '$1\u2024').replace(/@/g, ' at ');
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
