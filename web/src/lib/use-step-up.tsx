import { useState, type ReactNode } from 'react';
import { StepUpPrompt, asksForStepUp } from '../components/StepUpPrompt';
import { describeError, type Problem } from './errors';
import { useSessionServices, useViewer } from './session-react';

/**
 * Runs an action that may need a step-up: when the server answers FRESH_LOGIN_REQUIRED or
 * INSUFFICIENT_USER_AUTHENTICATION, the prompt appears, and once the person has confirmed, the action runs again.
 */
export function useStepUp(what: string, onProblem: (p: Problem | null) => void): { run: (action: () => Promise<void>) => Promise<void>; prompt: ReactNode } {
  const { session } = useSessionServices();
  const viewer = useViewer();
  const [pending, setPending] = useState<(() => Promise<void>) | null>(null);

  const run = async (action: () => Promise<void>) => {
    onProblem(null);
    try {
      await action();
    } catch (err) {
      const p = describeError(err);
      if (asksForStepUp(p)) setPending(() => action);
      else onProblem(p);
    }
  };

  const prompt = pending && (
    <StepUpPrompt
      viewer={viewer}
      what={what}
      onCancel={() => setPending(null)}
      onDone={(payload) => {
        session.signIn(payload);
        setPending(null);
        void run(pending);
      }}
    />
  );
  return { run, prompt };
}
