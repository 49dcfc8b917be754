import type { EntityManager } from '@mikro-orm/core';
import { EmailDisabledError } from '../../errors';
import type { Clock } from '../../lib/clock';
import type { Sealer } from '../../lib/sealer';
import type { MailConfig } from './mail.config';
import { TEMPLATES, type TemplateName } from './mail.templates';
import type { MailData } from './templates/layout';
import { OutboxMail } from './outbox.entity';

/** What a sealed outbox payload holds: the recipient and the template's facts (links included). */
export interface OutboxPayload {
  to: string;
  data: MailData;
}

/**
 * Work the worker does instead of sending: it runs in the transaction that marks the row done (so it runs
 * once), and may queue mail there; what it returns runs after that commit.
 */
export type OutboxJob = (tx: EntityManager, payload: OutboxPayload) => Promise<(() => void) | void>;

/**
 * Queues mail: a row in mail_outbox, written by the caller's transaction (so a token and the mail that carries
 * it commit together, or neither does). The worker sends it; nothing here waits on SMTP.
 */
export class Mailer {
  private wakeWorker: () => void = () => undefined;
  private readonly jobs = new Map<string, OutboxJob>();

  constructor(readonly config: MailConfig, private readonly sealer: Sealer, private readonly clock: Clock) {}

  get enabled(): boolean {
    return this.config.mode !== 'disabled';
  }

  /** Production without SMTP_URL: the features that send mail answer EMAIL_DISABLED. */
  assertEnabled(): void {
    if (!this.enabled) throw new EmailDisabledError();
  }

  /** Adds the mail to `em`'s unit of work: it is written when the caller's transaction commits (or flushes). */
  queue(em: EntityManager, template: TemplateName, to: string, userId: string | null, data: MailData): OutboxMail {
    const missing = TEMPLATES[template].needs.find((key) => data[key] === undefined || data[key] === null);
    if (missing) throw new Error(`mail ${template} queued without ${missing}`);
    const payload: OutboxPayload = { to, data };
    const mail = new OutboxMail({ template, userId, payload: this.sealer.seal(JSON.stringify(payload)), now: this.clock.now() });
    em.persist(mail);
    return mail;
  }

  /** Names work for later, such as a reset request: the request path writes one row whatever the address. */
  defineJob(name: string, job: OutboxJob): void {
    this.jobs.set(name, job);
  }

  job(name: string): OutboxJob | undefined {
    return this.jobs.get(name);
  }

  queueJob(em: EntityManager, name: string, to: string, data: MailData = {}): OutboxMail {
    if (!this.jobs.has(name)) throw new Error(`unknown outbox job ${name}`);
    const mail = new OutboxMail({ template: name, userId: null, payload: this.sealer.seal(JSON.stringify({ to, data })), now: this.clock.now() });
    em.persist(mail);
    return mail;
  }

  open(sealed: string): OutboxPayload | null {
    const plain = this.sealer.open(sealed);
    return plain ? (JSON.parse(plain) as OutboxPayload) : null;
  }

  /** After a commit that queued mail: this instance's worker looks at once instead of at its next poll. */
  wake(): void {
    this.wakeWorker();
  }

  onWake(wake: () => void): void {
    this.wakeWorker = wake;
  }
}
