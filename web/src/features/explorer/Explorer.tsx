import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import './explorer.css';
import { useMemo } from 'react';
import { useAuth, useSessionServices } from '../../lib/session-react';
import { explorerFetcher } from './explorer-fetcher';
import './monaco-workers';

const DEFAULT_QUERY = `# Runs as you: no token to paste.
# Loads nothing from outside.
# Ctrl-Enter runs it.

query Me {
  me {
    id
    username
    roles
    createdAt
  }
}
`;

/** In-memory storage for GraphiQL: its tabs keep responses, and a response may hold a token; none of it goes to localStorage. */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, String(value));
  }
}

const storage = new MemoryStorage();

/**
 * GraphiQL 5 with its own docs and history, bundled by Vite. Loaded on demand (it is large). No query-builder plugin:
 * the only one, graphiql-explorer 0.9, was built for React 15/16 (peer warnings, a console error, stale operation names).
 */
export default function Explorer() {
  const { session, ws, fetch } = useSessionServices();
  const auth = useAuth();
  const fetcher = useMemo(() => explorerFetcher(`${window.location.origin}/graphql`, session, ws, fetch), [session, ws, fetch]);
  return (
    <div className="explorer">
      <h1 className="visually-hidden">GraphQL explorer</h1>
      <p className="explorer-bar">
        {auth.status === 'signedIn' ? `Signed in as ${auth.viewer.username}: requests carry your token.` : 'Not signed in: only public operations will work.'}{' '}
        <a href="/app/">Back to the app</a>
      </p>
      <GraphiQL fetcher={fetcher as never} defaultQuery={DEFAULT_QUERY} storage={storage} isHeadersEditorEnabled shouldPersistHeaders={false} />
    </div>
  );
}

