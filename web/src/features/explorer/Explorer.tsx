import { explorerPlugin } from '@graphiql/plugin-explorer';
import '@graphiql/plugin-explorer/style.css';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import './explorer.css';
import { useEffect, useMemo, useRef } from 'react';
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
// The query builder: tick fields to write a query.
const explorer = explorerPlugin();
const plugins = [explorer];

/** GraphiQL 5 with the query-builder plugin, bundled by Vite. Loaded on demand (it is large). */
export default function Explorer() {
  const { session, ws, fetch } = useSessionServices();
  const auth = useAuth();
  const fetcher = useMemo(() => explorerFetcher(`${window.location.origin}/graphql`, session, ws, fetch), [session, ws, fetch]);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => (root.current ? labelSelects(root.current) : undefined), []);
  return (
    <div className="explorer" ref={root}>
      <h1 className="visually-hidden">GraphQL explorer</h1>
      <p className="explorer-bar">
        {auth.status === 'signedIn' ? `Signed in as ${auth.viewer.username}: requests carry your token.` : 'Not signed in: only public operations will work.'}{' '}
        <a href="/app/">Back to the app</a>
      </p>
      <GraphiQL fetcher={fetcher as never} plugins={plugins} defaultQuery={DEFAULT_QUERY} storage={storage} visiblePlugin={explorer} isHeadersEditorEnabled shouldPersistHeaders={false} />
    </div>
  );
}

/**
 * The explorer plugin's "add new operation" <select> has no label; give it one (and to any like it that appears later),
 * so screen readers can name it. Returns the cleanup.
 */
function labelSelects(container: HTMLElement): () => void {
  const label = () => {
    for (const select of container.querySelectorAll('select:not([aria-label]):not([aria-labelledby])')) {
      if (!select.id || !container.querySelector(`label[for="${CSS.escape(select.id)}"]`)) select.setAttribute('aria-label', 'Kind of operation to add');
    }
  };
  label();
  const observer = new MutationObserver(label);
  observer.observe(container, { childList: true, subtree: true });
  return () => observer.disconnect();
}
