import type { EntityManager } from '@mikro-orm/core';
import type { Config } from '../../config';
import type { Clock } from '../../lib/clock';
import { redactUrl } from '../../lib/env';
import type { Logger } from '../../lib/logger';
import type { Services } from '../../services';
import { fileChannel, smtpChannel } from './mail.channel';
import { MailWorker } from './mail.worker';

/** The outbox worker for this instance (none when mail is disabled); the start log says which way mail goes. */
export function startMail(config: Config, services: Pick<Services, 'mailer' | 'audit'>, getEm: () => EntityManager, clock: Clock, logger: Logger): { worker: MailWorker | null; stop(): Promise<void> } {
  const mail = config.mail;
  if (mail.mode === 'disabled') {
    logger.warn('mail disabled: SMTP_URL is not set, so password reset, verification and address changes answer EMAIL_DISABLED and no notices are sent');
    return { worker: null, stop: async () => undefined };
  }
  const channel = mail.mode === 'smtp' ? smtpChannel(mail) : fileChannel(mail, logger);
  logger.info(mail.mode === 'smtp' ? 'mail: SMTP' : 'mail: development outbox (no SMTP_URL): .eml files, links in this log', mail.mode === 'smtp' ? { smtp: redactUrl(mail.smtpUrl!), from: mail.from } : { dir: mail.outboxDir });
  const worker = new MailWorker(services.mailer, channel, getEm, clock, logger, services.audit);
  worker.start();
  return { worker, stop: () => worker.stop() };
}
