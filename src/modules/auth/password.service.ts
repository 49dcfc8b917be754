import { availableParallelism } from 'node:os';
import argon2 from 'argon2';
import type { Config } from '../../config';
import { BadUserInputError } from '../../errors';
import { loopPressure } from '../../lib/loop-pressure';
import { Semaphore } from '../../lib/semaphore';
import { NO_PASSWORD } from '../user/user.entity';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** argon2id with explicit parameters; hashing is bounded to the core count so it never starves the thread pool. */
export class PasswordService {
  private readonly options: argon2.HashOptions;
  // At most one job per core, and always one libuv thread left for file and DNS work.
  private readonly gate = new Semaphore(Math.max(1, Math.min(availableParallelism(), Number(process.env.UV_THREADPOOL_SIZE || 4) - 1)));
  // On a single core the hash thread and the event loop take turns: a new hash waits while the loop is saturated.
  private readonly pressure = availableParallelism() === 1 ? loopPressure() : null;
  private dummyHash?: Promise<string>;
  /** Told how long each job waited for a slot (the metrics' argon2 wait). */
  onWait?: (seconds: number) => void;

  constructor(params: Config['argon2']) {
    this.options = { type: argon2.argon2id, ...params };
  }

  /** Jobs waiting for a slot and running, for the metrics. */
  stats(): { queued: number; running: number } {
    return { queued: this.gate.waiting, running: this.gate.running };
  }

  /** NFC-normalises and checks length in code points; refuses before any hashing. */
  normalize(password: string, field = 'password'): string {
    const { nfc, length } = this.withinMax(password, field);
    if (length < PASSWORD_MIN) throw new BadUserInputError(field, `Password must be at least ${PASSWORD_MIN} characters.`);
    return nfc;
  }

  /** For login: an over-long input is refused unhashed, anything shorter is verified as given. */
  normalizeForLogin(password: string): string {
    return this.withinMax(password, 'password').nfc;
  }

  hash(nfcPassword: string): Promise<string> {
    return this.run(() => argon2.hash(nfcPassword, this.options));
  }

  async verify(hash: string, nfcPassword: string): Promise<boolean> {
    // An account without a password (NO_PASSWORD) costs what a wrong password costs, and never matches.
    if (hash === NO_PASSWORD) return this.verifyDummy(nfcPassword);
    try {
      return await this.run(() => argon2.verify(hash, nfcPassword));
    } catch {
      return false; // a corrupt stored hash is a failed login, not a 500
    }
  }

  /** Spends the same time as a real verify, for users that do not exist. */
  async verifyDummy(nfcPassword: string): Promise<false> {
    await this.verify(await this.dummy(), nfcPassword);
    return false;
  }

  needsRehash(hash: string): boolean {
    try {
      return !hash.startsWith('$argon2id$') || argon2.needsRehash(hash, this.options);
    } catch {
      return true;
    }
  }

  /** Prepares the dummy hash ahead of the first unknown-user login. */
  async warmUp(): Promise<void> {
    await this.dummy();
  }

  private run<T>(job: () => Promise<T>): Promise<T> {
    const queuedAt = performance.now();
    return this.gate.run(async () => {
      await this.pressure?.room();
      this.onWait?.((performance.now() - queuedAt) / 1000);
      return job();
    });
  }

  private dummy(): Promise<string> {
    return (this.dummyHash ??= this.hash('tokengate-dummy-password'));
  }

  private withinMax(password: string, field: string): { nfc: string; length: number } {
    // Cheap early exit: no NFC form of this many UTF-16 units can be within the limit.
    if (password.length > PASSWORD_MAX * 4) throw tooLong(field);
    const nfc = password.normalize('NFC');
    const length = [...nfc].length;
    if (length > PASSWORD_MAX) throw tooLong(field);
    return { nfc, length };
  }
}

const tooLong = (field: string) => new BadUserInputError(field, `Password must be at most ${PASSWORD_MAX} characters.`);
