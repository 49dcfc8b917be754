import { DeadlockException, LockWaitTimeoutException } from '@mikro-orm/core';
import { isUnavailable } from './unavailable';
import { ServiceUnavailableError } from '../errors';

const RETRIES = 3;

/** Runs a unit of work, retrying lock timeouts and serialization failures, mapping an unreachable database to 503. */
export async function withRetry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      const retryable = err instanceof DeadlockException || err instanceof LockWaitTimeoutException;
      if (retryable && attempt < RETRIES) {
        await new Promise((r) => setTimeout(r, 10 * attempt + Math.random() * 20));
        continue;
      }
      if (retryable || isUnavailable(err)) throw new ServiceUnavailableError();
      throw err;
    }
  }
}
