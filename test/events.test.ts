import { AccountEvents, type AccountEvent } from '../src/events';
import type { Logger } from '../src/lib/logger';
import { AuditService } from '../src/modules/audit/audit.service';
import { auditAccountEvents } from '../src/modules/audit/audit.listener';
import { RECHECK_ON, reviseLiveOnAccountEvents } from '../src/modules/live/live.listener';
import type { LiveService } from '../src/modules/live/live.service';

const spyLogger = () => ({ info: jest.fn(), warn: jest.fn(), error: jest.fn() }) satisfies Logger;
const USER = '0190aaaa-0000-7000-8000-000000000001';
const ADMIN = '0190aaaa-0000-7000-8000-000000000002';

describe('AccountEvents', () => {
  it('runs the listeners of a type and the catch-all ones, in the order they subscribed', () => {
    const events = new AccountEvents(spyLogger());
    const seen: string[] = [];
    events.onAny((e) => void seen.push(`any:${e.type}`));
    events.on('PASSWORD_CHANGED', (e) => void seen.push(`pw:${e.by}`));
    events.on(['USER_DEACTIVATED', 'PASSWORD_CHANGED'], (e) => void seen.push(`both:${e.type}`));
    events.emit({ type: 'PASSWORD_CHANGED', userId: USER, by: 'cli' });
    events.emit({ type: 'USER_DEACTIVATED', userId: USER, by: 'cli' });
    events.emit({ type: 'REGISTERED', userId: USER });
    expect(seen).toEqual(['any:PASSWORD_CHANGED', 'pw:cli', 'both:PASSWORD_CHANGED', 'any:USER_DEACTIVATED', 'both:USER_DEACTIVATED', 'any:REGISTERED']);
  });

  it('keeps a failing listener (thrown or rejected) from the emitter and from the other listeners, and logs it', async () => {
    const logger = spyLogger();
    const events = new AccountEvents(logger);
    const after = jest.fn();
    events.on('REGISTERED', () => {
      throw new Error('sync boom');
    });
    events.on('REGISTERED', async () => {
      throw new Error('async boom');
    });
    events.on('REGISTERED', after);
    expect(() => events.emit({ type: 'REGISTERED', userId: USER })).not.toThrow();
    await events.flush();
    expect(after).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls.map((c) => c[1])).toEqual([
      { type: 'REGISTERED', message: 'sync boom' },
      { type: 'REGISTERED', message: 'async boom' },
    ]);
  });

  it('flush waits for asynchronous listeners, including ones started while it waits', async () => {
    const events = new AccountEvents(spyLogger());
    const done: string[] = [];
    events.on('REGISTERED', async (e) => {
      await new Promise((r) => setTimeout(r, 5));
      done.push(e.type);
      events.emit({ type: 'USER_ACTIVATED', userId: USER, by: 'cli' });
    });
    events.on('USER_ACTIVATED', async (e) => {
      await new Promise((r) => setTimeout(r, 5));
      done.push(e.type);
    });
    events.emit({ type: 'REGISTERED', userId: USER });
    await events.flush();
    expect(done).toEqual(['REGISTERED', 'USER_ACTIVATED']);
  });
});

describe('the audit listener', () => {
  it('records audit-typed events with the payload as detail, without addresses, and skips the others', () => {
    const events = new AccountEvents(spyLogger());
    const audit = { record: jest.fn() } as unknown as AuditService;
    auditAccountEvents(events, audit);
    const meta = { ip: '203.0.113.9', userAgent: 'curl/8' };
    events.emit({ type: 'ROLE_CHANGED', userId: USER, meta, from: 'USER', to: 'ADMIN', by: 'cli' });
    events.emit({ type: 'ACCOUNT_DELETED', userId: USER, sessionId: 's1', email: 'who@example.com' });
    events.emit({ type: 'SESSIONS_CHANGED', userId: USER });
    events.emit({ type: 'ROLE_GRANTED', userId: USER, role: 'SUPPORT', by: ADMIN });
    events.emit({ type: 'PASSWORD_RESET_REQUESTED', userId: USER });
    // The actor: nobody for the CLI, the person themself, the admin `by` names, nobody for what anyone may ask.
    expect((audit.record as jest.Mock).mock.calls.map((c) => c[0])).toEqual([
      { type: 'ROLE_CHANGED', userId: USER, actorId: null, sessionId: undefined, ...meta, detail: { from: 'USER', to: 'ADMIN', by: 'cli' } },
      { type: 'ACCOUNT_DELETED', userId: USER, actorId: USER, sessionId: 's1', detail: undefined },
      { type: 'ROLE_GRANTED', userId: USER, actorId: ADMIN, sessionId: undefined, detail: { role: 'SUPPORT', by: ADMIN } },
      { type: 'PASSWORD_RESET_REQUESTED', userId: USER, actorId: null, sessionId: undefined, detail: undefined },
    ]);
  });
});

describe('the live listener', () => {
  it('re-checks the sockets of the account after the events that can end access, and not after others', () => {
    const events = new AccountEvents(spyLogger());
    const live = { sessionsChanged: jest.fn() } as unknown as LiveService;
    reviseLiveOnAccountEvents(events, live);
    const all: AccountEvent[] = [
      { type: 'PASSWORD_CHANGED', userId: 'a' },
      { type: 'USER_DEACTIVATED', userId: 'b', by: 'cli' },
      { type: 'SESSIONS_CHANGED', userId: 'c' },
      { type: 'REGISTERED', userId: 'd' },
      { type: 'ROLE_GRANTED', userId: 'e', role: 'X', by: 'cli' },
    ];
    for (const e of all) events.emit(e);
    expect((live.sessionsChanged as jest.Mock).mock.calls.map((c) => c[0])).toEqual(['a', 'b', 'c']);
    expect(RECHECK_ON).toContain('API_TOKEN_REVOKED');
  });
});
