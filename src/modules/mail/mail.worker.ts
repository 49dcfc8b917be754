import { LockMode, type EntityManager } from '@mikro-orm/core';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { AuditService } from '../audit/audit.service';
import type { MailChannel } from './mail.channel';
import { isTemplateName, TEMPLATES } from './mail.templates';
import type { Mailer, OutboxJob, OutboxPayload } from './mailer';
import { OutboxMail } from './outbox.entity';

const BATCH = 20;
/** A claimed mail not recorded as sent within this long (its worker died) is claimed again. */
const LEASE_MS = 120_000;
const MAX_BACKOFF_S = 3600;
/** 10 s, 20 s, 40 s … capped at an hour. */
export const backoffSeconds = (attempts: number): number => Math.min(MAX_BACKOFF_S, 10 * 2 ** Math.max(0, attempts - 1));

/**
 * Sends the outbox. A batch is claimed in one transaction (PostgreSQL: FOR UPDATE SKIP LOCKED, so two
 * instances never take one row), its attempt counted before the send, and the row marked sent after: a crash
 * in between repeats that mail at most once, after the lease. A failed send waits (backoff) and is retried;
 * after MAIL_MAX_ATTEMPTS it is marked FAILED, logged and audited. Payloads are wiped once a mail is done.
 */
export class MailWorker {
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Hears each mail sent or given up (the metrics). */
  onOutcome?: (outcome: { sent: true } | { failed: true }) => void;

  constructor(
    private readonly mailer: Mailer,
    private readonly channel: MailChannel,
    private readonly getEm: () => EntityManager,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly audit: AuditService,
  ) {}

  start(): void {
    this.mailer.onWake(() => void this.run());
    this.timer = setInterval(() => void this.run(), this.mailer.config.pollSeconds * 1000).unref();
    void this.run();
  }

  /** Runs until the outbox has nothing due; a call while running makes it look once more. */
  run(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          while (!this.stopped && (await this.batch()) === BATCH);
        } while (this.again && !this.stopped);
      } catch (err) {
        this.logger.warn('mail outbox not read', { message: err instanceof Error ? err.message : String(err) });
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    this.channel.close();
  }

  /** Claims and sends one batch; returns how many were claimed. */
  private async batch(): Promise<number> {
    const claimed = await this.claim();
    for (const mail of claimed) await this.deliver(mail);
    return claimed.length;
  }

  private async claim(): Promise<OutboxMail[]> {
    const em = this.getEm().fork();
    const pg = em.getPlatform().constructor.name === 'PostgreSqlPlatform';
    return em.transactional(async (tx) => {
      const now = this.clock.now();
      const due = await tx.find(
        OutboxMail,
        { status: { $in: ['QUEUED', 'SENDING'] }, nextAttemptAt: { $lte: now } },
        // SQLite runs one writer at a time and has no row locks; the claim's transaction is the lock there.
        { orderBy: { nextAttemptAt: 'asc', id: 'asc' }, limit: BATCH, ...(pg ? { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE } : {}) },
      );
      for (const mail of due) Object.assign(mail, { status: 'SENDING', attempts: mail.attempts + 1, nextAttemptAt: new Date(now.getTime() + LEASE_MS) });
      return due;
    });
  }

  private async deliver(mail: OutboxMail): Promise<void> {
    const em = this.getEm().fork();
    const mine = { id: mail.id, status: 'SENDING' as const, attempts: mail.attempts };
    const payload = mail.payload ? this.mailer.open(mail.payload) : null;
    const job = this.mailer.job(mail.template);
    if (payload && job) return this.runJob(em, mail, mine, payload, job);
    if (!payload || !isTemplateName(mail.template)) return this.give(em, mail, mine, 'payload unreadable (JWT_SECRET rotated?) or unknown template');
    try {
      const rendered = TEMPLATES[mail.template].render(payload.data);
      await this.channel.send({ id: mail.id, to: payload.to, template: mail.template, ...rendered });
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 200);
      if (mail.attempts >= this.mailer.config.maxAttempts) return this.give(em, mail, mine, message);
      const wait = backoffSeconds(mail.attempts);
      this.logger.warn('mail not sent; will retry', { mailId: mail.id, template: mail.template, attempts: mail.attempts, retryIn: wait, message });
      await em.nativeUpdate(OutboxMail, mine, { status: 'QUEUED', lastError: message, nextAttemptAt: new Date(this.clock.now().getTime() + wait * 1000) });
      return;
    }
    await em.nativeUpdate(OutboxMail, mine, { status: 'SENT', sentAt: this.clock.now(), payload: null, lastError: null });
    this.onOutcome?.({ sent: true });
    this.logger.info('mail sent', { mailId: mail.id, template: mail.template, attempts: mail.attempts });
  }

  /** A job and the row's "done" commit together; a failure is retried like a send. */
  private async runJob(em: EntityManager, mail: OutboxMail, mine: object, payload: OutboxPayload, job: OutboxJob): Promise<void> {
    let after: (() => void) | void;
    try {
      after = await em.transactional(async (tx) => {
        const then = await job(tx, payload);
        await tx.nativeUpdate(OutboxMail, mine, { status: 'SENT', sentAt: this.clock.now(), payload: null });
        return then;
      });
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 200);
      if (mail.attempts >= this.mailer.config.maxAttempts) return this.give(em, mail, mine, message);
      await em.nativeUpdate(OutboxMail, mine, { status: 'QUEUED', lastError: message, nextAttemptAt: new Date(this.clock.now().getTime() + backoffSeconds(mail.attempts) * 1000) });
      return;
    }
    if (after) after();
    this.again = true; // the job may have queued mail
  }

  private async give(em: EntityManager, mail: OutboxMail, mine: object, message: string): Promise<void> {
    await em.nativeUpdate(OutboxMail, mine, { status: 'FAILED', payload: null, lastError: message });
    this.onOutcome?.({ failed: true });
    this.logger.error('mail failed; given up', { mailId: mail.id, template: mail.template, attempts: mail.attempts, message });
    this.audit.record({ type: 'MAIL_FAILED', userId: mail.userId, detail: { mailId: mail.id, template: mail.template, attempts: mail.attempts, error: message } });
  }
}
