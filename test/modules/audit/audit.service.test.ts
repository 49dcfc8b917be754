import type { EntityManager } from '@mikro-orm/core';
import { isUuid, uuidv7 } from '../../../src/lib/ids';
import type { Logger } from '../../../src/lib/logger';
import { AuditEvent, type AuditEventType } from '../../../src/modules/audit/audit-event.entity';
import { AuditService, encodeAuditCursor as encodeCursor } from '../../../src/modules/audit/audit.service';
import { TestClock } from '../../helpers/clock';
import { freshDatabase, openOrm, useFreshOrm } from '../../helpers/database';

const spyLogger = () => ({ info: jest.fn(), warn: jest.fn(), error: jest.fn() }) satisfies Logger;

/** An EntityManager stand-in whose inserts finish only when the test says so. */
function gatedEm() {
  const gates: Array<() => void> = [];
  const batches: AuditEvent[][] = [];
  const insertMany = (events: AuditEvent[]) => new Promise<void>((resolve) => (batches.push(events), gates.push(resolve)));
  const em = { fork: () => ({ insertMany }) } as unknown as EntityManager;
  return { getEm: () => em, gates, batches };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('AuditService', () => {
  const fresh = useFreshOrm();
  let clock: TestClock;
  let logger: ReturnType<typeof spyLogger>;
  let audit: AuditService;
  const rows = () => fresh.orm.em.fork().find(AuditEvent, {}, { orderBy: { id: 'asc' } });

  beforeEach(async () => {
    await fresh.orm.em.fork().nativeDelete(AuditEvent, {});
    clock = new TestClock();
    logger = spyLogger();
    audit = new AuditService(() => fresh.orm.em, clock, logger);
  });

  describe('record', () => {
    it('writes one row with every field, stamped by the clock', async () => {
      const userId = uuidv7();
      const sessionId = uuidv7();
      audit.record({ type: 'ROLE_CHANGED', userId, sessionId, ip: '203.0.113.7', userAgent: 'curl/8', detail: { from: 'USER', to: 'ADMIN' } });
      await audit.flush();
      const [row, ...rest] = await rows();
      expect(rest).toHaveLength(0);
      expect(isUuid(row.id)).toBe(true);
      expect(row).toMatchObject({ type: 'ROLE_CHANGED', userId, sessionId, ip: '203.0.113.7', userAgent: 'curl/8' });
      expect(row.at.toISOString()).toBe(clock.now().toISOString());
      expect(JSON.parse(row.detail!)).toEqual({ from: 'USER', to: 'ADMIN' });
      expect(logger.warn).not.toHaveBeenCalled();
    });

    it('stores absent fields as null, clips client strings and replaces an oversized detail', async () => {
      audit.record({ type: 'LOGIN_FAILED' });
      clock.advance(1);
      audit.record({ type: 'LOGIN_FAILED', ip: '1'.repeat(100), userAgent: 'a'.repeat(600), detail: { note: 'n'.repeat(2000) } });
      await audit.flush();
      const [bare, big] = await rows();
      expect(bare).toMatchObject({ userId: null, sessionId: null, ip: null, userAgent: null, detail: null });
      expect(big.ip).toHaveLength(64);
      expect(big.userAgent).toHaveLength(512);
      expect(JSON.parse(big.detail!)).toEqual({ truncated: true });
    });

    it('neither throws nor rejects when the write fails, and logs a warning each time', async () => {
      const unhandled = jest.fn();
      process.on('unhandledRejection', unhandled);
      try {
        const broken = [
          new AuditService(() => { throw new Error('no orm'); }, clock, logger),
          new AuditService(() => ({ fork: () => { throw new Error('fork failed'); } }) as unknown as EntityManager, clock, logger),
          new AuditService(() => ({ fork: () => ({ insertMany: () => Promise.reject(new Error('insert failed')) }) }) as unknown as EntityManager, clock, logger),
        ];
        for (const service of broken) expect(() => service.record({ type: 'LOGIN_FAILED', userId: uuidv7() })).not.toThrow();
        const circular: Record<string, unknown> = {};
        circular.self = circular;
        expect(() => audit.record({ type: 'LOGIN_FAILED', detail: circular })).not.toThrow();
        await Promise.all([...broken, audit].map((s) => expect(s.flush()).resolves.toBeUndefined()));
        await tick();
        expect(unhandled).not.toHaveBeenCalled();
        expect(logger.warn).toHaveBeenCalledTimes(4);
        expect(logger.warn).toHaveBeenCalledWith('audit event not recorded', expect.objectContaining({ type: 'LOGIN_FAILED' }));
      } finally {
        process.off('unhandledRejection', unhandled);
      }
    });

    it('survives a closed ORM and a logger that throws', async () => {
      const other = await freshDatabase();
      const closed = await openOrm(other.url);
      await closed.close();
      try {
        const throwingLogger = { ...spyLogger(), warn: jest.fn(() => { throw new Error('logger down'); }) };
        const service = new AuditService(() => closed.em, clock, throwingLogger);
        expect(() => service.record({ type: 'LOGOUT' })).not.toThrow();
        await expect(service.flush()).resolves.toBeUndefined();
        expect(throwingLogger.warn).toHaveBeenCalledTimes(1);
      } finally {
        await other.drop();
      }
    });
  });

  describe('flush', () => {
    it('waits for every pending write, including ones recorded while it waits', async () => {
      const { getEm, gates, batches } = gatedEm();
      const service = new AuditService(getEm, clock, logger);
      service.record({ type: 'LOGOUT' });
      let done = false;
      const flushed = service.flush().then(() => { done = true; });
      service.record({ type: 'LOGOUT_ALL' });
      await tick();
      expect(gates).toHaveLength(1); // one batch at a time, in call order
      gates[0]();
      while (gates.length < 2) await tick();
      expect(done).toBe(false);
      gates[1]();
      await flushed;
      expect(done).toBe(true);
      expect(batches.map((b) => b.map((e) => e.type))).toEqual([['LOGOUT'], ['LOGOUT_ALL']]);
    });

    it('writes the events recorded within the batch window with one insert, in call order', async () => {
      const { getEm, gates, batches } = gatedEm();
      const service = new AuditService(getEm, clock, logger);
      for (const type of ['LOGOUT', 'LOGOUT_ALL', 'REFRESHED'] as const) service.record({ type });
      while (!gates.length) await new Promise((r) => setTimeout(r, 5)); // the window ends without a flush
      gates[0]();
      await service.flush();
      expect(batches.map((b) => b.map((e) => e.type))).toEqual([['LOGOUT', 'LOGOUT_ALL', 'REFRESHED']]);
    });

    it('leaves every recorded row in the database, in inserts of at most 200 rows', async () => {
      const insertMany = jest.spyOn(fresh.orm.em.fork().constructor.prototype, 'insertMany');
      try {
        for (let i = 0; i < 450; i++) audit.record({ type: 'REFRESHED', userId: uuidv7() });
        await audit.flush();
        expect(await fresh.orm.em.fork().count(AuditEvent)).toBe(450);
        expect(insertMany.mock.calls.map(([events]) => (events as unknown[]).length)).toEqual([200, 200, 50]);
      } finally {
        insertMany.mockRestore();
      }
    });
  });

  describe('page', () => {
    const alice = uuidv7();
    const bob = uuidv7();
    const ids = (events: AuditEvent[]) => events.map((e) => e.id);
    let all: AuditEvent[];

    /** Five events a second apart, then read back newest first. */
    beforeEach(async () => {
      const plan: Array<[AuditEventType, string]> = [
        ['REGISTERED', alice], ['LOGIN_FAILED', bob], ['LOGIN_SUCCEEDED', alice], ['LOGIN_FAILED', alice], ['LOGOUT', bob],
      ];
      for (const [type, userId] of plan) {
        audit.record({ type, userId });
        clock.advance(1);
      }
      await audit.flush();
      all = (await rows()).reverse();
      expect(all.map((e) => e.type)).toEqual(['LOGOUT', 'LOGIN_FAILED', 'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'REGISTERED']);
    });

    it('pages newest first with a cursor, and knows when the last page is reached', async () => {
      const em = fresh.orm.em.fork();
      const p1 = await audit.page(em, 2, null);
      expect(ids(p1.events)).toEqual(ids(all.slice(0, 2)));
      expect(p1).toMatchObject({ hasNextPage: true, totalCount: 5 });
      const p2 = await audit.page(em, 2, encodeCursor(p1.events[1].id));
      expect(ids(p2.events)).toEqual(ids(all.slice(2, 4)));
      expect(p2.hasNextPage).toBe(true);
      const p3 = await audit.page(em, 2, encodeCursor(p2.events[1].id));
      expect(ids(p3.events)).toEqual(ids(all.slice(4)));
      expect(p3).toMatchObject({ hasNextPage: false, totalCount: 5 });
      // A page that ends exactly on the oldest event has no next page.
      const rest = await audit.page(em, 3, encodeCursor(p1.events[1].id));
      expect(ids(rest.events)).toEqual(ids(all.slice(2)));
      expect(rest.hasNextPage).toBe(false);
    });

    it('filters by user, by type and by both; totalCount counts the filtered events', async () => {
      const em = fresh.orm.em.fork();
      const byAlice = await audit.page(em, 100, null, { userId: alice });
      expect(ids(byAlice.events)).toEqual(ids(all.filter((e) => e.userId === alice)));
      expect(byAlice.totalCount).toBe(3);
      const failed = await audit.page(em, 1, null, { type: 'LOGIN_FAILED' });
      expect(failed.events.map((e) => e.userId)).toEqual([alice]);
      expect(failed).toMatchObject({ hasNextPage: true, totalCount: 2 });
      const next = await audit.page(em, 1, encodeCursor(failed.events[0].id), { type: 'LOGIN_FAILED' });
      expect(next.events.map((e) => e.userId)).toEqual([bob]);
      expect(next.hasNextPage).toBe(false);
      const both = await audit.page(em, 100, null, { userId: bob, type: 'LOGIN_FAILED' });
      expect(both.events).toHaveLength(1);
      expect(both.totalCount).toBe(1);
      expect((await audit.page(em, 100, null, { userId: uuidv7() })).totalCount).toBe(0);
    });

    it('keeps call order for events recorded in the same millisecond', async () => {
      const sameMs = Array.from({ length: 20 }, () => uuidv7());
      for (const userId of sameMs) audit.record({ type: 'REFRESHED', userId });
      await audit.flush();
      const page = await audit.page(fresh.orm.em.fork(), 20, null, { type: 'REFRESHED' });
      expect(page.events.map((e) => e.userId)).toEqual([...sameMs].reverse());
    });

    it.each([0, 101, 1.5, -1])('refuses first = %p', async (first) => {
      await expect(audit.page(fresh.orm.em.fork(), first, null)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'first' } });
    });

    it.each([
      ['garbage', 'not base64url!'],
      ['a user cursor', Buffer.from(`user:${uuidv7()}`).toString('base64url')],
      ['a non-uuid id', Buffer.from('audit:12345').toString('base64url')],
      ['an empty string', ''],
    ])('refuses %s as after', async (_name, after) => {
      await expect(audit.page(fresh.orm.em.fork(), 10, after)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
    });
  });
});
