import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditEvent } from '../../../src/modules/audit/audit-event.entity';
import { OutboxMail } from '../../../src/modules/mail/outbox.entity';
import pino from 'pino';
import { createApp } from '../../../src/app';
import { loadConfig } from '../../../src/config';
import { backoffSeconds, MailWorker } from '../../../src/modules/mail/mail.worker';
import { smtpChannel } from '../../../src/modules/mail/mail.channel';
import { startMail } from '../../../src/modules/mail/mail.start';
import { freshDatabase } from '../../helpers/database';
import { firstError, createTestServer } from '../../helpers/server';
import { mailWorld, REQUEST_RESET, registerWithEmail, settle, verifiedAccount, type MailWorld } from '../../helpers/email';

const rows = (world: MailWorld) => world.server.app.orm.em.fork().find(OutboxMail, {}, { orderBy: { id: 'asc' } });

describe('the mail outbox', () => {
  let world: MailWorld;
  afterEach(async () => {
    await world?.server.close();
    await world?.smtp.stop();
  });

  it('SMTP down: the mail waits with a backoff, and arrives once when SMTP is back', async () => {
    world = await mailWorld();
    const { server, smtp } = world;
    await smtp.stop();
    await registerWithEmail(server, 'alice', 'alice@example.com');
    await settle(server);
    const [waiting] = await rows(world);
    expect(waiting).toMatchObject({ template: 'verify-email', status: 'QUEUED', attempts: 1 });
    expect(waiting.lastError).toBeTruthy();
    expect(await (await server.http('/metrics')).text()).toMatch(/^tokengate_mail_outbox_depth 1$/m);
    expect(waiting.nextAttemptAt.getTime() - server.clock.now().getTime()).toBe(backoffSeconds(1) * 1000);

    await smtp.listen(); // the same port
    await server.app.mailWorker!.run();
    expect(smtp.mails).toHaveLength(0); // not due yet
    server.clock.advance(backoffSeconds(1));
    await server.app.mailWorker!.run();
    await server.app.mailWorker!.run();
    expect(smtp.mails.map((m) => [m.to, m.subject])).toEqual([['alice@example.com', 'Confirm your e-mail address']]);
    expect(await rows(world)).toEqual([expect.objectContaining({ status: 'SENT', attempts: 2, payload: null })]);
    expect(await (await server.http('/metrics')).text()).toMatch(/^tokengate_mail_sent_total 1$/m);
  });

  it('gives up after MAIL_MAX_ATTEMPTS: FAILED, logged and audited, payload wiped', async () => {
    world = await mailWorld({ MAIL_MAX_ATTEMPTS: '2' });
    const { server, smtp } = world;
    await smtp.stop();
    const alice = await registerWithEmail(server, 'alice', 'alice@example.com');
    await settle(server);
    server.clock.advance(backoffSeconds(1));
    await server.app.mailWorker!.run();
    expect(await rows(world)).toEqual([expect.objectContaining({ status: 'FAILED', attempts: 2, payload: null })]);
    await server.app.services.audit.flush();
    const failed = await server.app.orm.em.fork().find(AuditEvent, { type: 'MAIL_FAILED' });
    expect(failed.map((e) => [e.userId, JSON.parse(e.detail!).template])).toEqual([[alice.user.id, 'verify-email']]);
    expect(await (await server.http('/metrics')).text()).toMatch(/^tokengate_mail_failed_total 1$/m);
    server.clock.advance(3600);
    await smtp.listen();
    await server.app.mailWorker!.run();
    expect(smtp.mails).toHaveLength(0);
  });

  it('a worker that died mid-send: the claim lapses and the mail goes out once', async () => {
    world = await mailWorld();
    const { server, smtp } = world;
    await server.app.mailWorker!.stop();
    await registerWithEmail(server, 'alice', 'alice@example.com');
    await server.app.services.events.flush();
    const em = server.app.orm.em.fork();
    await em.nativeUpdate(OutboxMail, {}, { status: 'SENDING', attempts: 1, nextAttemptAt: new Date(server.clock.now().getTime() + 120_000) });
    const worker = new MailWorker(server.app.services.mailer, smtpChannel(server.config.mail), () => server.app.orm.em, server.clock, server.app.logger, server.app.services.audit);
    await worker.run();
    expect(smtp.mails).toHaveLength(0);
    server.clock.advance(120);
    await worker.run();
    await worker.run();
    expect(smtp.mails).toHaveLength(1);
    await worker.stop();
  });
});

describe('without SMTP_URL', () => {
  it('development: mails are .eml files under the data folder, and their links are logged', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tg-mail-'));
    const info: Array<[string, Record<string, unknown> | undefined]> = [];
    const logger = { info: (m: string, d?: Record<string, unknown>) => void info.push([m, d]), warn: () => undefined, error: () => undefined, pino: undefined } as any;
    const db = await freshDatabase();
    const app = await createApp(loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir, DATABASE_URL: db.url, JWT_SECRET: 'x'.repeat(40), ARGON2_MEMORY_KIB: '4096', ARGON2_TIME_COST: '1', WEB_APP: 'false', EXPLORER: 'false', LOG_LEVEL: 'silent' }), { logger: { ...logger, pino: pino({ level: 'silent' }) } });
    try {
      const url = await app.listen(0, '127.0.0.1');
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'mutation { register(input: { username: "alice", password: "correct horse battery", email: "alice@example.com" }) { sessionId } }' }) });
      await app.services.events.flush();
      await app.mailWorker!.run();
      const files = readdirSync(join(dataDir, 'mail'));
      expect(files).toHaveLength(1);
      const eml = readFileSync(join(dataDir, 'mail', files[0]), 'utf8');
      expect(eml).toContain('Subject: Confirm your e-mail address');
      expect(eml).toContain('To: alice@example.com');
      const logged = info.find(([m]) => m === 'mail written (development outbox)')!;
      expect(logged[1]).toMatchObject({ to: 'alice@example.com', links: [expect.stringMatching(/\/app\/verify-email#token=tge_/)] });
    } finally {
      await app.stop();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('production: the mail features answer EMAIL_DISABLED, and the start log says so', async () => {
    const warnings: string[] = [];
    const server = await createTestServer({ NODE_ENV: 'production', LOG_LEVEL: 'silent', WEB_APP: 'false', EXPLORER: 'false' });
    try {
      const res = await server.gql(REQUEST_RESET, { email: 'alice@example.com' });
      expect(firstError(res)).toMatchObject({ code: 'EMAIL_DISABLED' });
      expect(server.app.mailWorker).toBeNull();
    } finally {
      await server.close();
    }
    startMail({ mail: { mode: 'disabled' } } as any, {} as any, () => ({}) as any, {} as any, { info: () => undefined, warn: (m: string) => void warnings.push(m), error: () => undefined });
    expect(warnings).toEqual([expect.stringContaining('mail disabled: SMTP_URL is not set')]);
  });
});

describe('limits', () => {
  let world: MailWorld;
  afterEach(async () => {
    await world.server.close();
    await world.smtp.stop();
  });

  it('per address: the same answer, 429 with Retry-After, for a known and an unknown address', async () => {
    world = await mailWorld({ RATE_EMAIL_ADDRESS_MAX: '2', RATE_EMAIL_IP_MAX: '100' });
    const { server } = world;
    await verifiedAccount(world, 'alice', 'alice@example.com');
    const answers: Record<string, unknown[]> = {};
    for (const email of ['alice@example.com', 'nobody@example.com']) {
      answers[email] = [];
      for (let i = 0; i < 3; i++) {
        const res = await server.gql(REQUEST_RESET, { email: i === 2 ? email.toUpperCase() : email });
        answers[email].push([res.status, res.headers.get('retry-after') !== null, res.body.data?.requestPasswordReset ?? firstError(res).code]);
      }
    }
    expect(answers['alice@example.com']).toEqual([[200, false, true], [200, false, true], [429, true, 'RATE_LIMITED']]);
    expect(answers['nobody@example.com']).toEqual(answers['alice@example.com']);
  });

  it('per client address, across e-mail addresses; sendEmailVerification counts too', async () => {
    world = await mailWorld({ RATE_EMAIL_ADDRESS_MAX: '100', RATE_EMAIL_IP_MAX: '3' });
    const { server } = world;
    const alice = await registerWithEmail(server, 'alice', 'alice@example.com');
    expect((await server.gql('mutation { sendEmailVerification }', {}, { token: alice.accessToken })).body.data.sendEmailVerification).toBe(true);
    for (const email of ['a@example.com', 'b@example.com']) expect((await server.gql(REQUEST_RESET, { email })).status).toBe(200);
    const refused = await server.gql(REQUEST_RESET, { email: 'c@example.com' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
