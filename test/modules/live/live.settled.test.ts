import { EventEmitter } from 'node:events';
import type { LiveBus, LiveEvent } from '../../../src/modules/live/live.bus';
import { LiveService } from '../../../src/modules/live/live.service';

/** An in-process bus that delivers in publish order, like the shared ones. */
function bus(): LiveBus {
  const emitter = new EventEmitter();
  return {
    kind: 'memory',
    publish: async (event: LiveEvent) => void setImmediate(() => emitter.emit('event', event)),
    subscribe: (handlers) => void emitter.on('event', handlers.event),
    close: async () => undefined,
  };
}
const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
const tick = () => new Promise((r) => setImmediate(r));

describe('LiveService: deliveries wait for a re-check of the account under way', () => {
  it('settled(user) resolves only once the sockets of that user are re-checked, and at once for others', async () => {
    const live = new LiveService(bus(), logger);
    let finish!: () => void;
    live.attach({ recheckUser: () => new Promise<void>((r) => (finish = r)), recheckAll: async () => undefined });
    const tail = live.listen('audit', { keep: 10 });
    live.sessionsChanged('u1');
    live.auditWritten([{ id: 'e1', type: 'ROLE_REVOKED', userId: 'u1', actorId: 'a1' }]);
    const notice = await tail.next();
    expect(notice.value).toMatchObject({ id: 'e1' });
    let settled = false;
    const waiting = live.settled('u1').then(() => (settled = true));
    await live.settled('someone else');
    await tick();
    expect(settled).toBe(false);
    finish();
    await waiting;
    expect(settled).toBe(true);
    await tail.return!();
  });

  it('keeps every audit notice up to the backlog, in order, and drops those the filter refuses', async () => {
    const live = new LiveService(bus(), logger);
    const tail = live.listen('audit', { keep: 2, accept: (n) => (n as { type: string }).type !== 'REFRESHED' });
    live.auditWritten(['a', 'b', 'c', 'd'].map((id) => ({ id, type: id === 'b' ? 'REFRESHED' : 'LOGIN_FAILED', userId: null, actorId: null })));
    await tick();
    await tick();
    expect([(await tail.next()).value.id, (await tail.next()).value.id]).toEqual(['c', 'd']);
    await tail.return!();
  });
});
