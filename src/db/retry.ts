import { ConnectionException, DeadlockException, LockWaitTimeoutException } from '@mikro-orm/core';
import { ServiceUnavailableError } from '../errors';

const RETRIES = 3;

/** Connection-level failures: the database is down or unreachable, not a bug. */
export function isUnavailable(err: unknown): boolean {
  if (err instanceof ConnectionException) return true;
  const code = (err as { code?: string } | null)?.code;
  const message = err instanceof Error ? err.message : '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08006', '08001', '57014'].includes(code ?? '') ||
    /Knex: Timeout acquiring a connection|Connection terminated|connect ECONNREFUSED/.test(message)
  );
}

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
