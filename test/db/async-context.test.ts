import { AsyncLocalStorage } from 'node:async_hooks';
import { TransactionContext } from '@mikro-orm/core';
import { releaseIdleAsyncStorage } from '../../src/db/async-context';
import { createTestServer, login, register } from '../helpers/server';

// Only where AsyncLocalStorage runs on async_hooks (Node 20, 22); on Node 24+ it has no such cost and nothing changes.
const hooked = typeof (AsyncLocalStorage.prototype as { _enable?: unknown })._enable === 'function';
const enabled = (storage: AsyncLocalStorage<unknown>) => (storage as unknown as { enabled: boolean }).enabled;

(hooked ? describe : describe.skip)('releaseIdleAsyncStorage', () => {
  beforeAll(() => releaseIdleAsyncStorage());

  it('switches a storage off once no async run is in flight, keeping the store inside the run', async () => {
    const storage = new AsyncLocalStorage<number>();
    const first = storage.run(1, async () => {
      await new Promise((r) => setTimeout(r, 5));
      return storage.getStore();
    });
    const second = storage.run(2, async () => (await null, storage.getStore()));
    expect(await second).toBe(2);
    expect(enabled(storage)).toBe(true); // the first run is still going
    expect(await first).toBe(1);
    await null;
    expect(enabled(storage)).toBe(false);
  });

  it('leaves a storage entered with a sync callback or enterWith on', async () => {
    const sync = new AsyncLocalStorage<number>();
    sync.run(1, () => undefined);
    await sync.run(2, async () => undefined);
    expect(enabled(sync)).toBe(true);
    const entered = new AsyncLocalStorage<number>();
    entered.enterWith(1);
    await entered.run(2, async () => undefined);
    expect(enabled(entered)).toBe(true);
  });

  it('leaves MikroORM’s transaction context off after a login (a transaction and a flush)', async () => {
    const server = await createTestServer();
    try {
      await register(server);
      await login(server);
      await new Promise((r) => setTimeout(r, 20)); // the fire-and-forget audit write
      expect(enabled((TransactionContext as unknown as { storage: AsyncLocalStorage<unknown> }).storage)).toBe(false);
    } finally {
      await server.close();
    }
  });
});
