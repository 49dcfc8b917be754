import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReceivedMail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** The first https?:// link of the text body. */
  link: string | null;
  /** The token in the link's fragment (#token=…). */
  token: string | null;
}

/** A real SMTP server in-process (no TLS, no auth) that parses what it receives; it can stop and start on one port. */
export class TestSmtp {
  readonly mails: ReceivedMail[] = [];
  private server: SMTPServer | null = null;
  private waiters: Array<() => void> = [];
  port = 0;

  static async start(): Promise<TestSmtp> {
    const smtp = new TestSmtp();
    await smtp.listen();
    return smtp;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            this.received(parsed, session.envelope.rcptTo.map((r) => r.address));
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves once `count` mails (in all) have arrived; rejects after `ms`. */
  async waitFor(count: number, ms = 15_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + ms;
    while (this.mails.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} mails, got ${this.mails.length}: ${this.mails.map((m) => m.subject).join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
    return this.mails;
  }

  to(address: string): ReceivedMail[] {
    return this.mails.filter((m) => m.to === address);
  }

  private received(parsed: ParsedMail, rcpt: string[]): void {
    const text = parsed.text ?? '';
    const link = /https?:\/\/\S+/.exec(text)?.[0] ?? null;
    const token = link ? /#token=([^&\s]+)/.exec(link)?.[1] ?? null : null;
    for (const to of rcpt) {
      this.mails.push({ to, from: parsed.from?.text ?? '', subject: parsed.subject ?? '', text, html: typeof parsed.html === 'string' ? parsed.html : '', messageId: parsed.messageId ?? '', link, token });
    }
    for (const wake of this.waiters.splice(0)) wake();
  }
}
