import { useState } from 'react';
import type { Problem } from '../../lib/errors';
import { useStepUp } from '../../lib/use-step-up';

/**
 * One action at a time on a person's page: which one is busy, and the outcome in words. An action the server
 * answers with a step-up (MFA_REQUIRED_FOR, a stale sign-in) shows the prompt (render `prompt`) and runs again after.
 */
export function useAdminAction() {
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ kind: 'error' | 'notice'; text: string } | null>(null);
  const stepUp = useStepUp('this action', (p: Problem | null) => setOutcome(p ? { kind: 'error', text: p.message } : null));
  const run = async (key: string, action: () => Promise<unknown>, done: string) => {
    setBusy(key);
    setOutcome(null);
    try {
      await stepUp.run(async () => {
        await action();
        setOutcome({ kind: 'notice', text: done });
      });
    } finally {
      setBusy(null);
    }
  };
  return { busy, outcome, run, prompt: stepUp.prompt };
}
