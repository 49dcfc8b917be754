import { ApolloProvider } from '@apollo/client/react';
import { useEffect } from 'react';
import { Loading } from '../components/Loading';
import { AuthScreen } from '../features/auth/AuthScreen';
import { RouterProvider } from '../lib/router';
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
  useEffect(() => {
    // Nothing of the previous person stays in memory once signed out.
    if (auth.status === 'signedOut') void services.client.clearStore();
  }, [auth, services.client]);

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
