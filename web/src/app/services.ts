import { createTransport, type Transport } from '../lib/apollo';
import { DpopKey, signingFetch, socketParams } from '../lib/dpop';
import { httpRefresher } from '../lib/refresh';
import { AuthSession } from '../lib/session';
import type { DocumentMode } from '../lib/transport';

export interface Services extends Transport {
  session: AuthSession;
  documents: DocumentMode;
  /** Whether the server offers the explorer page (it says so in index.html; always in Vite's dev server). */
  explorer: boolean;
  /** Signs a DPoP proof for every request to /graphql. */
  fetch: typeof fetch;
}

/**
 * One session and one client per page, talking to /graphql on this origin (over HTTP and WebSocket). Every request
 * and socket is signed with the browser's DPoP key, so the tokens are bound to it (docs/dpop.md).
 */
export function createServices(location: Location, documents: DocumentMode): Services {
  const uri = `${location.origin}/graphql`;
  const wsUrl = uri.replace(/^http/, 'ws');
  const dpop = DpopKey.load();
  const fetch = signingFetch(dpop);
  const session = new AuthSession(httpRefresher({ uri, documents, fetch }));
  const transport = createTransport({ session, uri, wsUrl, documents, fetch, socketParams: (token) => socketParams(dpop, uri, token) });
  const meta = document.querySelector('meta[name="tokengate-explorer"]')?.getAttribute('content');
  return { ...transport, session, documents, explorer: import.meta.env.DEV || meta === 'on', fetch };
}
