import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { Client } from 'graphql-ws';
import type { AuthSession, AuthState, Viewer } from './session';
import type { DocumentMode } from './transport';

/** What features need besides Apollo Client: the session, the live connection, and what the server offers. */
export interface SessionServices {
  session: AuthSession;
  ws: Client;
  documents: DocumentMode;
  explorer: boolean;
  /** fetch for /graphql that signs a DPoP proof for every request (the explorer's requests too). */
  fetch: typeof fetch;
}

const SessionContext = createContext<SessionServices | null>(null);

export function SessionProvider({ value, children }: { value: SessionServices; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionServices(): SessionServices {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSessionServices outside SessionProvider');
  return value;
}

export function useAuth(): AuthState {
  const { session } = useSessionServices();
  return useSyncExternalStore(session.subscribe, session.getState);
}

/** The signed-in person; only for screens rendered while signed in. */
export function useViewer(): Viewer {
  const state = useAuth();
  if (state.status !== 'signedIn') throw new Error('useViewer while signed out');
  return state.viewer;
}
