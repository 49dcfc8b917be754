import { Kind, print, type DocumentNode } from 'graphql';
import * as generated from '../gql/graphql';

/**
 * How operations travel. `full` sends the document text (development builds, the explorer); `hash` sends only the
 * document's sha256 from the trusted-documents manifest (web/src/gql/persisted-documents.json), which is what the
 * production build does, so a server with TRUSTED_DOCUMENTS_ONLY=true runs nothing else.
 */
export type DocumentMode = 'full' | 'hash';

/** Asks the server for cookie mode on this request: the refresh token travels only as an HttpOnly cookie. */
export const COOKIE_MODE_HEADERS: Readonly<Record<string, string>> = { 'tokengate-refresh': 'cookie' };

export const ACCEPT = 'application/graphql-response+json, application/json;q=0.9';

type HashedDocument = DocumentNode & { __meta__?: { hash?: string } };

let hashes: Map<string, string> | undefined;

/** The manifest hash (`sha256:<hex>`) of a generated operation, by its name (the client preset keeps names unique). */
export function documentHash(operationName: string): string | undefined {
  hashes ??= new Map(
    Object.values(generated as Record<string, unknown>)
      .filter((value): value is HashedDocument => typeof value === 'object' && value !== null && 'kind' in value && '__meta__' in value)
      .flatMap((doc) => {
        const operation = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
        const hash = doc.__meta__?.hash;
        return operation?.kind === Kind.OPERATION_DEFINITION && operation.name && hash ? [[operation.name.value, hash] as const] : [];
      }),
  );
  return hashes.get(operationName);
}

/** Apollo's persisted-query extension: bare hex, as Apollo clients send it (the server also accepts `sha256:<hex>`). */
export function persistedQuery(hash: string) {
  return { persistedQuery: { version: 1, sha256Hash: hash.replace(/^sha256:/, '') } };
}

/** The POST body of one generated operation: its text, or only its hash. */
export function requestBody(document: DocumentNode, variables: Record<string, unknown> | undefined, mode: DocumentMode) {
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operationName = operation?.kind === Kind.OPERATION_DEFINITION ? operation.name?.value : undefined;
  if (mode === 'full' || !operationName) return { operationName, variables, query: print(document) };
  const hash = documentHash(operationName);
  if (!hash) throw new Error(`Operation ${operationName} is not in the trusted-documents manifest; run npm run codegen`);
  return { operationName, variables, extensions: persistedQuery(hash) };
}

/** The first error's `reason` (or `code`) from a GraphQL response body. */
export function errorReason(body: unknown): string | undefined {
  const errors = (body as { errors?: Array<{ extensions?: { code?: unknown; reason?: unknown } }> } | null)?.errors;
  const ext = errors?.[0]?.extensions;
  const value = ext?.reason ?? ext?.code;
  return typeof value === 'string' ? value : undefined;
}
