import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { Observable, type Subscription } from 'rxjs';
import type { AuthSession } from './session';
import { ACCEPT, COOKIE_MODE_HEADERS, documentHash, errorReason, persistedQuery, type DocumentMode } from './transport';

/** The WebSocket close code for token and session failures; the reason is the HTTP `reason`. */
const AUTH_CLOSE = 4403;
/**
 * Reasons worth one refresh: an expired token, and a revoked one (the refresh cookie may belong to a newer session,
 * e.g. after a fresh login in another tab). If the refresh fails too, the person sees the login screen and why.
 */
const REFRESHABLE = new Set(['TOKEN_EXPIRED', 'TOKEN_REVOKED']);
/** Reasons after which this session is over at once. */
const SESSION_OVER = new Set(['ACCOUNT_DISABLED', 'TOKEN_INVALID', 'REFRESH_REUSED']);

export interface ClientOptions {
  session: AuthSession;
  /** http(s)://…/graphql */
  uri: string;
  /** ws(s)://…/graphql */
  wsUrl: string;
  documents: DocumentMode;
  fetch?: typeof fetch;
  /** A WebSocket implementation where there is no global one (Node tests). */
  webSocketImpl?: unknown;
  /** connectionParams for a token, e.g. with a fresh DPoP proof (HTTP signs through `fetch`); Bearer by default. */
  socketParams?: (token: string) => Promise<Record<string, string>>;
}

export interface Transport {
  client: ApolloClient;
  ws: Client;
}

/** The UNAUTHENTICATED reason of a failed operation, from a GraphQL error or from a non-JSON-typed 401 body. */
export function authReason(error: unknown): string | undefined {
  if (CombinedGraphQLErrors.is(error)) {
    const ext = error.errors.find((e) => e.extensions?.code === 'UNAUTHENTICATED')?.extensions;
    return typeof ext?.reason === 'string' ? ext.reason : undefined;
  }
  if (ServerError.is(error) && error.statusCode === 401) {
    try {
      return errorReason(JSON.parse(error.bodyText));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Apollo Client for the app: HTTP for queries and mutations, graphql-ws for subscriptions.
 *
 * HTTP: refreshOnce → auth → (hashes only) → HttpLink. `auth` adds the in-memory token and asks for cookie mode;
 * `refreshOnce` turns a TOKEN_EXPIRED (or TOKEN_REVOKED) answer into one shared refresh and one retry, and a
 * session that is over (disabled, or the refresh failed too) into the login screen with the reason.
 */
export function createTransport(options: ClientOptions): Transport {
  const { session } = options;
  const auth = new SetContextLink((prev) => {
    const token = session.accessToken();
    return {
      token,
      headers: { ...prev.headers, ...COOKIE_MODE_HEADERS, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    };
  });

  const refreshOnce = new ErrorLink(({ error, result, operation, forward }) => {
    const reason = authReason(error);
    const { token, retried } = operation.getContext() as { token?: string | null; retried?: boolean };
    if (!reason || !token) return;
    if (REFRESHABLE.has(reason) && !retried) {
      return new Observable<ApolloLink.Result>((observer) => {
        let inner: Subscription | undefined;
        let closed = false;
        void session.refreshAfterFailure(token).then((next) => {
          if (closed) return;
          if (!next) {
            // Refresh failed: the session already shows the login screen; hand back the original answer.
            if (result) {
              observer.next(result);
              observer.complete();
            } else observer.error(error);
            return;
          }
          operation.setContext({ retried: true });
          inner = forward(operation).subscribe(observer);
        });
        return () => {
          closed = true;
          inner?.unsubscribe();
        };
      });
    }
    // Only if the failing token is still the current one: a stale request must not end a newer session.
    if ((SESSION_OVER.has(reason) || retried) && token === session.accessToken()) session.signOut(reason);
    return;
  });

  const hashesOnly = new ApolloLink((operation, forward) => {
    const hash = documentHash(operation.operationName ?? '');
    if (!hash) throw new Error(`Operation ${operation.operationName} is not in the trusted-documents manifest; run npm run codegen`);
    Object.assign(operation.extensions, persistedQuery(hash));
    operation.setContext({ http: { includeQuery: false, includeExtensions: true } });
    return forward(operation);
  });

  const http = new HttpLink({ uri: options.uri, credentials: 'same-origin', fetch: options.fetch, headers: { accept: ACCEPT } });

  let lastClose: { code: number; reason: string } | undefined;
  const ws = createClient({
    url: options.wsUrl,
    webSocketImpl: options.webSocketImpl,
    lazy: true,
    retryAttempts: 5,
    // The token is read (and refreshed first if it expired or was revoked) for every connection attempt, retries included.
    connectionParams: async () => {
      const token = await session.socketToken();
      if (!token && session.getState().status !== 'starting') throw new Error('Signed out: no live connection');
      if (!token) return {};
      // A fresh proof per attempt: the server refuses a proof it has seen, so a retry on 4403 signs again.
      return options.socketParams ? options.socketParams(token) : { authorization: `Bearer ${token}` };
    },
    // 4403 TOKEN_EXPIRED / TOKEN_REVOKED reconnect (after a refresh); any other 4403 means the session is over.
    shouldRetry: (event) => !(isCloseEvent(event) && event.code === AUTH_CLOSE && !REFRESHABLE.has(event.reason)),
    // Those two are routine: reconnect at once rather than after graphql-ws's backoff.
    retryWait: async (retries) => {
      if (lastClose?.code === AUTH_CLOSE && REFRESHABLE.has(lastClose.reason) && retries === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** Math.min(retries, 4) + Math.random() * 1000));
    },
    on: {
      closed: (event) => {
        if (!isCloseEvent(event)) return;
        lastClose = { code: event.code, reason: event.reason };
        if (event.code !== AUTH_CLOSE) return;
        if (REFRESHABLE.has(event.reason)) session.markExpired(session.accessToken());
        else if (session.getState().status === 'signedIn') session.signOut(event.reason || 'TOKEN_INVALID');
      },
      // Changes made while reconnecting were not pushed: read the active queries again.
      connected: (_socket, _payload, wasRetry) => {
        if (wasRetry) void client.refetchQueries({ include: 'active' });
      },
    },
  });

  const live = new ApolloLink(
    (operation) =>
      new Observable<ApolloLink.Result>((observer) => {
        const { operationName, variables } = operation;
        const hash = options.documents === 'hash' ? documentHash(operationName ?? '') : undefined;
        const payload = hash
          ? { operationName, variables, query: '', extensions: { ...operation.extensions, ...persistedQuery(hash) } }
          : { operationName, variables, query: print(operation.query), extensions: operation.extensions };
        return ws.subscribe<ApolloLink.Result['data']>(payload, {
          next: (value) => observer.next(value as ApolloLink.Result),
          complete: () => observer.complete(),
          error: (err) => {
            if (err instanceof Error) return observer.error(err);
            if (isCloseEvent(err)) return observer.error(new Error(`Live connection closed (${err.code} ${err.reason})`));
            return observer.error(new CombinedGraphQLErrors({ errors: Array.isArray(err) ? err : [err] }));
          },
        });
      }),
  );

  const httpChain = ApolloLink.from([refreshOnce, auth, ...(options.documents === 'hash' ? [hashesOnly] : []), http]);
  const link = ApolloLink.split(
    ({ query }) => query.definitions.some((d) => d.kind === 'OperationDefinition' && d.operation === 'subscription'),
    live,
    httpChain,
  );
  const cache = new InMemoryCache({
    typePolicies: {
      // One cart per person: every Cart in a result (query, mutation, the cartChanged subscription) is the same
      // cache entry, so each of them updates every view of the cart.
      Cart: { keyFields: [] },
      CartItem: { keyFields: ['product', ['id']] },
    },
  });
  const client = new ApolloClient({ link, cache });
  return { client, ws };
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;
}
