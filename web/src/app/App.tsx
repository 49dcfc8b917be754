import { ApolloProvider } from '@apollo/client/react';
import { useEffect } from 'react';
import { Loading } from '../components/Loading';
import { AuthScreen } from '../features/auth/AuthScreen';
import { RouterProvider, useRouter } from '../lib/router';
import { ResetPasswordScreen } from '../features/email/ResetPasswordScreen';
import { VerifyEmailScreen } from '../features/email/VerifyEmailScreen';
import { SessionProvider, useAuth } from '../lib/session-react';
import { Layout } from './Layout';
import { Page } from './routes';
import type { Services } from './services';

export function App({ services }: { services: Services }) {
  return (
    <ApolloProvider client={services.client}>
      <SessionProvider value={services}>
        <RouterProvider>
          <Shell services={services} />
        </RouterProvider>
      </SessionProvider>
    </ApolloProvider>
  );
}

/** Signed in: the app. Signed out (or the session ended elsewhere): the login screen, saying why. */
function Shell({ services }: { services: Services }) {
  const auth = useAuth();
  const { path } = useRouter();
  useEffect(() => {
    // Nothing of the previous person stays in memory once signed out.
    if (auth.status === 'signedOut') void services.client.clearStore();
  }, [auth, services.client]);

  // The pages mailed links open work signed in or not (and must not wait for the session to start).
  if (path === '/reset-password' || path === '/verify-email') {
    return <Layout signedIn={auth.status === 'signedIn'}>{path === '/reset-password' ? <ResetPasswordScreen /> : <VerifyEmailScreen />}</Layout>;
  }
  if (auth.status === 'starting') {
    return (
      <main id="main" className="starting">
        <Loading label="Signing you in…" />
      </main>
    );
  }
  if (auth.status === 'signedOut') {
    return (
      <Layout signedIn={false}>
        <AuthScreen reason={auth.reason} />
      </Layout>
    );
  }
  return (
    <Layout signedIn>
      <Page />
    </Layout>
  );
}
