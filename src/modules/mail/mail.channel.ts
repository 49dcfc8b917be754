import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';
import type { Logger } from '../../lib/logger';
import type { MailConfig } from './mail.config';
import type { RenderedMail } from './templates/layout';

export interface Message extends RenderedMail {
  /** The outbox row's id: also the Message-ID's local part, so a repeated send is recognisable. */
  id: string;
  to: string;
  template: string;
}

/** Where mail goes: SMTP, or .eml files in development. */
export interface MailChannel {
  send(message: Message): Promise<void>;
  close(): void;
}

/** SMTP through nodemailer: one connection per send (no pool to go stale while SMTP is down), bounded waits. */
export function smtpChannel(config: MailConfig): MailChannel {
  const transport: Transporter = createTransport(config.smtpUrl!, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as object);
  return {
    async send(m) {
      await transport.sendMail({ from: config.from, to: m.to, subject: m.subject, text: m.text, html: m.html, messageId: messageId(m, config.from) });
    },
    close: () => transport.close(),
  };
}

/** Development without SMTP_URL: each mail an .eml file (open it in a mail app), and its links in the log. */
export function fileChannel(config: MailConfig, logger: Logger): MailChannel {
  const transport = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(m) {
      const info = await transport.sendMail({ from: config.from, to: m.to, subject: m.subject, text: m.text, html: m.html, messageId: messageId(m, config.from) });
      mkdirSync(config.outboxDir, { recursive: true, mode: 0o700 });
      const file = join(config.outboxDir, `${m.id}.eml`);
      writeFileSync(file, info.message as Buffer, { mode: 0o600 });
      const links = m.text.match(/https?:\/\/\S+/g) ?? [];
      logger.info('mail written (development outbox)', { file, to: m.to, subject: m.subject, template: m.template, links });
    },
    close: () => undefined,
  };
}

const messageId = (m: Message, from: string) => `<${m.id}@${/@([^>\s]+)/.exec(from)?.[1] ?? 'tokengate'}>`;
