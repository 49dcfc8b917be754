import { useState } from 'react';
import { describeError } from '../../lib/errors';

/** One action at a time on a person's page: which one is busy, and the outcome in words (a notice or the error). */
export function useAdminAction() {
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ kind: 'error' | 'notice'; text: string } | null>(null);
  const run = async (key: string, action: () => Promise<unknown>, done: string) => {
    setBusy(key);
    setOutcome(null);
    try {
      await action();
      setOutcome({ kind: 'notice', text: done });
    } catch (err) {
      setOutcome({ kind: 'error', text: describeError(err).message });
    } finally {
      setBusy(null);
    }
  };
  return { busy, outcome, run };
}
