import type { MailTemplate } from './templates/layout';
import { verifyEmail } from './templates/verify-email';
import { passwordReset } from './templates/password-reset';
import { emailChangeConfirm, emailChangeRequested } from './templates/email-change';
import { accountDeactivated, accountDeleted, emailChanged, newSignIn, passwordChanged, passwordResetDone } from './templates/notices';

/** Every mail tokengate sends, by the name the outbox stores. */
export const TEMPLATES = {
  'verify-email': verifyEmail,
  'password-reset': passwordReset,
  'email-change-confirm': emailChangeConfirm,
  'email-change-requested': emailChangeRequested,
  'password-changed': passwordChanged,
  'password-reset-done': passwordResetDone,
  'email-changed': emailChanged,
  'account-deactivated': accountDeactivated,
  'account-deleted': accountDeleted,
  'new-sign-in': newSignIn,
} satisfies Record<string, MailTemplate>;

export type TemplateName = keyof typeof TEMPLATES;
export const isTemplateName = (name: string): name is TemplateName => Object.hasOwn(TEMPLATES, name);
