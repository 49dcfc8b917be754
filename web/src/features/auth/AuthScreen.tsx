import { useState } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { PageTitle } from '../../components/PageTitle';
import { describeReason } from '../../lib/errors';
import { useSessionServices } from '../../lib/session-react';
import { LoginForm } from './LoginForm';
import { PasskeySignIn } from './PasskeySignIn';
import { SignUpForm } from './SignUpForm';
import { ForgotPasswordForm } from '../email/ForgotPasswordForm';

/** Shown whenever nobody is signed in, with why the last session ended (if it did not end on purpose). */
export function AuthScreen({ reason }: { reason: string | null }) {
  const { session } = useSessionServices();
  const [mode, setMode] = useState<'login' | 'signup' | 'forgot'>('login');
  const canRetry = reason === 'NETWORK_ERROR' || reason === 'SERVICE_UNAVAILABLE';
  return (
    <div className="auth-screen">
      <PageTitle>Welcome to tokengate</PageTitle>
      {reason && (
        <Alert>
          {describeReason(reason)}{' '}
          {canRetry && (
            <Button variant="link" onClick={() => void session.start()}>
              Try again
            </Button>
          )}
        </Alert>
      )}
      {mode === 'login' ? <LoginForm /> : mode === 'signup' ? <SignUpForm /> : <ForgotPasswordForm />}
      {mode === 'login' && <PasskeySignIn />}
      {mode === 'login' && (
        <p className="switch">
          <Button variant="link" onClick={() => setMode('forgot')}>
            Forgot your password?
          </Button>
        </p>
      )}
      <p className="switch">
        {mode === 'login' ? 'New here? ' : 'Already have an account? '}
        <Button variant="link" onClick={() => setMode(mode === 'login' ? 'signup' : 'login')}>
          {mode === 'login' ? 'Create an account' : 'Log in instead'}
        </Button>
      </p>
    </div>
  );
}
