import { useState, type FormEvent } from 'react';
import { describeError, formatWait, type Problem } from '../../lib/errors';
import { useCountdown } from '../../lib/use-countdown';

/**
 * Shared by the login and sign-up forms: busy state, the problem in words, and the rate-limit wait counting down
 * (submitting stays possible only once the wait is over).
 */
export function useAuthForm(submit: (form: FormData) => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [until, setUntil] = useState<number | null>(null);
  const wait = useCountdown(until);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy || wait > 0) return;
    setBusy(true);
    setProblem(null);
    try {
      await submit(new FormData(event.currentTarget));
    } catch (error) {
      const p = describeError(error);
      setProblem(p);
      setUntil(p.retryAfter ? Date.now() + p.retryAfter * 1000 : null);
    } finally {
      setBusy(false);
    }
  };

  const message = problem && (problem.code === 'RATE_LIMITED' && wait > 0 ? `Too many attempts. Try again in ${formatWait(wait)}.` : problem.code === 'RATE_LIMITED' ? 'You can try again now.' : problem.message);
  return { onSubmit, busy, problem, message, waiting: wait > 0 };
}
