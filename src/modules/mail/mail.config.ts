import { join } from 'node:path';
import { parseBool, parseDuration, parseIntIn, redactUrl } from '../../lib/env';

/**
 * smtp: SMTP_URL is set. file: development or test without it (each mail an .eml file in <DATA_DIR>/mail,
 * its links logged). disabled: production without it (the mail features answer EMAIL_DISABLED).
 */
export type MailMode = 'smtp' | 'file' | 'disabled';

export interface MailConfig {
  mode: MailMode;
  smtpUrl: string | null;
  from: string;
  /** Where file mode writes; <DATA_DIR>/mail. */
  outboxDir: string;
  maxAttempts: number;
  /** Seconds between outbox polls (an instance also wakes at once when it queues a mail itself). */
  pollSeconds: number;
}

export interface EmailConfig {
  required: boolean;
  verificationRequired: boolean;
  resetTtl: number;
  verifyTtl: number;
  changeTtl: number;
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

export function parseMailConfig(env: NodeJS.ProcessEnv, nodeEnv: string, dataDir: string): MailConfig {
  const smtpUrl = env.SMTP_URL || null;
  if (smtpUrl && !/^smtps?:\/\/[^/]/i.test(smtpUrl)) throw new TypeError(`SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://…, got "${redactUrl(smtpUrl)}"`);
  const from = env.MAIL_FROM ?? 'tokengate <no-reply@localhost>';
  const bare = /<([^>]*)>\s*$/.exec(from)?.[1] ?? from.trim();
  if (!ADDRESS.test(bare) || /[\r\n]/.test(from)) throw new TypeError(`MAIL_FROM must be an address or "Name <address>", got "${from.slice(0, 80)}"`);
  if (smtpUrl && nodeEnv === 'production' && env.MAIL_FROM === undefined) throw new TypeError('MAIL_FROM is required with SMTP_URL when NODE_ENV=production: the address your mails come from');
  return {
    mode: smtpUrl ? 'smtp' : nodeEnv === 'production' ? 'disabled' : 'file',
    smtpUrl,
    from,
    outboxDir: join(dataDir, 'mail'),
    maxAttempts: parseIntIn('MAIL_MAX_ATTEMPTS', env.MAIL_MAX_ATTEMPTS, 8, 1, 100),
    pollSeconds: parseDuration('MAIL_POLL_INTERVAL', env.MAIL_POLL_INTERVAL, 5),
  };
}

export function parseEmailConfig(env: NodeJS.ProcessEnv): EmailConfig {
  const config = {
    required: parseBool('REQUIRE_EMAIL', env.REQUIRE_EMAIL, false),
    verificationRequired: parseBool('REQUIRE_EMAIL_VERIFICATION', env.REQUIRE_EMAIL_VERIFICATION, false),
    resetTtl: parseDuration('PASSWORD_RESET_TTL', env.PASSWORD_RESET_TTL, 30 * 60, 60),
    verifyTtl: parseDuration('EMAIL_VERIFICATION_TTL', env.EMAIL_VERIFICATION_TTL, 24 * 3600, 60),
    changeTtl: parseDuration('EMAIL_CHANGE_TTL', env.EMAIL_CHANGE_TTL, 3600, 60),
  };
  if (config.resetTtl > 86400) throw new TypeError('PASSWORD_RESET_TTL must be at most 24h: a reset link is a password');
  return config;
}
