import { ConnectionException } from '@mikro-orm/core';

const CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', '53300', '57014']);
const MESSAGES = /Timeout acquiring a connection|Connection terminated|connect ECONNREFUSED|Client has encountered a connection error|Connection ended unexpectedly|the database system is (starting|shutting) up/i;

/** Connection-level failures and statement timeouts: the database is down or stuck, not a bug. */
export function isUnavailable(err: unknown): boolean {
  if (err instanceof ConnectionException) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && CODES.has(code)) || (err instanceof Error && MESSAGES.test(err.message));
}
