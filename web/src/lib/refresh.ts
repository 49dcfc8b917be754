import { graphql } from '../gql';
import type { RefreshResult, Refresher } from './session';
import { ACCEPT, COOKIE_MODE_HEADERS, errorReason, requestBody, type DocumentMode } from './transport';

const RefreshDocument = graphql(`
  mutation Refresh {
    refreshToken {
      ...SignedIn
    }
  }
`);

interface Options {
  uri: string;
  documents: DocumentMode;
  fetch?: typeof fetch;
}

/**
 * `refreshToken` without an argument: the server reads the HttpOnly cookie (sent by the browser, same origin only)
 * and sets the next one. A plain fetch, outside Apollo's link chain, so a refresh never waits on itself.
 */
export function httpRefresher({ uri, documents, fetch: fetchImpl = globalThis.fetch.bind(globalThis) }: Options): Refresher {
  return async (): Promise<RefreshResult> => {
    const res = await fetchImpl(uri, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: ACCEPT, ...COOKIE_MODE_HEADERS },
      body: JSON.stringify(requestBody(RefreshDocument, {}, documents)),
    });
    const body = (await res.json().catch(() => null)) as { data?: { refreshToken?: unknown } } | null;
    const payload = body?.data?.refreshToken as Extract<RefreshResult, { ok: true }>['payload'] | undefined;
    if (payload) return { ok: true, payload };
    return { ok: false, reason: errorReason(body) ?? `HTTP_${res.status}` };
  };
}
