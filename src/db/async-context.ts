import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where AsyncLocalStorage is built on async_hooks (Node 20 and 22; Node 24+ uses AsyncContextFrame and pays nothing),
 * one `run()` switches on promise hooks for the whole process until `disable()`: MikroORM runs one for every flush and
 * transaction, so after the first login every request paid them (~40 µs). This makes a storage that is only ever
 * entered with `run(store, async callback)` switch itself off again once no such run is in flight; a storage entered
 * any other way (a sync callback, `enterWith`) stays on, as before. Idempotent.
 */
export function releaseIdleAsyncStorage(): void {
  const proto = AsyncLocalStorage.prototype as AsyncLocalStorage<unknown> & { _enable?: () => void; [PATCHED]?: true };
  if (typeof proto._enable !== 'function' || proto[PATCHED]) return;
  proto[PATCHED] = true;
  const run = proto.run;
  const enterWith = proto.enterWith;
  const state = new WeakMap<object, { inFlight: number; sticky: boolean }>();
  const of = (storage: object) => {
    let s = state.get(storage);
    if (!s) state.set(storage, (s = { inFlight: 0, sticky: false }));
    return s;
  };
  proto.enterWith = function (this: AsyncLocalStorage<unknown>, store: unknown) {
    of(this).sticky = true;
    return enterWith.call(this, store);
  };
  proto.run = function (this: AsyncLocalStorage<unknown>, store: unknown, callback: (...args: unknown[]) => unknown, ...args: unknown[]) {
    const s = of(this);
    s.inFlight++;
    let result: unknown;
    try {
      result = run.call(this, store, callback, ...args);
    } catch (err) {
      s.inFlight--;
      throw err;
    }
    if (!isThenable(result)) {
      s.inFlight--;
      s.sticky = true; // callbacks and listeners set up inside may read the store later
      return result;
    }
    const settled = () => {
      if (--s.inFlight === 0 && !s.sticky) this.disable();
    };
    result.then(settled, settled);
    return result;
  } as typeof proto.run;
}

const PATCHED = Symbol.for('tokengate.releaseIdleAsyncStorage');

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
