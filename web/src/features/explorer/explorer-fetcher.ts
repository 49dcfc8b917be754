import { getOperationAST, Kind, parse } from 'graphql';
import type { Client } from 'graphql-ws';
import type { AuthSession } from '../../lib/session';
import { ACCEPT, COOKIE_MODE_HEADERS, errorReason } from '../../lib/transport';

type Params = { query: string; operationName?: string | null; variables?: Record<string, unknown> | null };
type Options = { headers?: Record<string, unknown> };

/**
 * GraphiQL's fetcher, signed in as the app's person: the in-memory token on every request (signed with the app's
 * DPoP key through `fetch`), one shared refresh and a
 * retry on TOKEN_EXPIRED, and subscriptions over the app's own WebSocket client. Documents go in full: the explorer
 * runs whatever you type, so a server with TRUSTED_DOCUMENTS_ONLY=true refuses what is not in the manifest.
 */
export function explorerFetcher(uri: string, session: AuthSession, ws: Client, fetch: typeof globalThis.fetch = globalThis.fetch.bind(globalThis)) {
  return async (given: Params, options?: Options): Promise<unknown> => {
    const params = { ...given, operationName: operationNameIn(given) };
    if (isSubscription(params)) {
      return ws.iterate({ query: params.query, operationName: params.operationName ?? undefined, variables: params.variables ?? undefined });
    }
    const extra = Object.fromEntries(Object.entries(options?.headers ?? {}).map(([k, v]) => [k, String(v)]));
    const send = (token: string | null) =>
      fetch(uri, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: ACCEPT, ...COOKIE_MODE_HEADERS, ...extra, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(params),
      }).then((res) => res.json() as Promise<unknown>);
    const token = session.accessToken();
    const body = await send(token);
    if (token && errorReason(body) === 'TOKEN_EXPIRED') {
      const next = await session.refreshAfterFailure(token);
      if (next) return send(next);
    }
    return body;
  };
}

/**
 * The operation to run, checked against the document sent: GraphiQL re-reads the names a moment after an edit, so a
 * document replaced and run at once came with the old name ("Unknown operation named …"). A name the document does not
 * have gives way to its only operation's, or to none (the server then asks which one).
 */
export function operationNameIn({ query, operationName }: Params): string | null | undefined {
  let names: Array<string | undefined>;
  try {
    names = parse(query).definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value] : []));
  } catch {
    return operationName; // the server explains the syntax error
  }
  if (!operationName || names.includes(operationName)) return operationName;
  return names.length === 1 ? names[0] : undefined;
}

function isSubscription({ query, operationName }: Params): boolean {
  try {
    return getOperationAST(parse(query), operationName ?? undefined)?.operation === 'subscription';
  } catch {
    return false; // the server explains the syntax error
  }
}
