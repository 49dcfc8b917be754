import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import { AppError } from '../errors';

import type { FastifyReply, FastifyRequest } from 'fastify';

/** What a client sends to name or carry a document (HTTP body, GET parameters or a subscribe payload). */
export interface DocumentRequest {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

export class TrustedDocumentError extends AppError {
  constructor(code: 'PERSISTED_DOCUMENT_NOT_FOUND' | 'PERSISTED_DOCUMENT_MISMATCH' | 'DOCUMENT_NOT_TRUSTED' | 'BAD_REQUEST', message: string) {
    super(message, code, 400);
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const HEX = /^[0-9a-f]{64}$/;

/**
 * The allow-list from graphql-codegen's client preset (persistedDocuments: `{ "sha256:<hex>": "<document>" }`),
 * several manifests at once while a deploy rolls. Each entry is re-hashed at start, so an edited file cannot
 * smuggle a document in under another document's hash.
 */
export class TrustedDocuments {
  private readonly byHash = new Map<string, string>();
  /** The operation names the manifests declare: the only names metrics use as label values. */
  readonly operationNames = new Set<string>();

  constructor(paths: string[], readonly only: boolean) {
    for (const path of paths) {
      let manifest: unknown;
      try {
        manifest = JSON.parse(readFileSync(path, 'utf8'));
      } catch (err) {
        throw new TypeError(`TRUSTED_DOCUMENTS: cannot read ${path} as JSON (${(err as Error).message}); point it at the client preset's persisted-documents.json`);
      }
      if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) throw new TypeError(`TRUSTED_DOCUMENTS: ${path} must be a JSON object of hash → document`);
      for (const [key, document] of Object.entries(manifest)) {
        const hash = bareHash(key);
        if (!hash || typeof document !== 'string' || sha256(document) !== hash) {
          throw new TypeError(`TRUSTED_DOCUMENTS: ${path}: entry "${key.slice(0, 80)}" is not the sha256 of its document; regenerate the manifest`);
        }
        this.byHash.set(hash, document);
        for (const name of operationNamesOf(document)) this.operationNames.add(name);
      }
    }
  }

  /**
   * The document to run: the manifest's for a hash (`documentId`, or Apollo's `extensions.persistedQuery.sha256Hash`),
   * else the one sent, which in trusted-only mode must itself be listed. Throws a 400 AppError otherwise.
   */
  resolve(request: DocumentRequest): string | undefined {
    const named = requestedHash(request);
    // An empty query is "not sent": graphql-ws requires the field, so hash-only subscribes carry "".
    const sent = typeof request.query === 'string' && request.query !== '' ? request.query : undefined;
    if (named !== undefined) {
      const document = named && this.byHash.get(named);
      if (!document) throw new TrustedDocumentError('PERSISTED_DOCUMENT_NOT_FOUND', 'No trusted document has this id; the client and the server manifest differ.');
      if (sent !== undefined && sent !== document) throw new TrustedDocumentError('PERSISTED_DOCUMENT_MISMATCH', 'The document sent is not the one its id names.');
      return document;
    }
    // Nothing sent at all is left to Apollo's own 400 (or the landing page).
    if (this.only && sent !== undefined && !this.byHash.has(sha256(sent))) {
      throw new TrustedDocumentError('DOCUMENT_NOT_TRUSTED', 'This server runs only trusted documents; send a listed document or its id.');
    }
    return sent;
  }
}

function operationNamesOf(document: string): string[] {
  try {
    return parse(document).definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : []));
  } catch {
    return []; // an unparsable entry is refused when it is run, like any document
  }
}

/** "sha256:<hex>" (client preset) or bare hex (Apollo); anything else names nothing. */
function bareHash(id: string): string | null {
  const hex = id.startsWith('sha256:') ? id.slice(7) : id;
  return HEX.test(hex) ? hex : null;
}

/** The hash a request names: undefined when it names none, null when what it names is malformed. */
function requestedHash({ documentId, extensions }: DocumentRequest): string | null | undefined {
  if (documentId !== undefined && documentId !== null) return typeof documentId === 'string' ? bareHash(documentId) : null;
  const persisted = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
  if (persisted === undefined || persisted === null) return undefined;
  return typeof persisted.sha256Hash === 'string' ? bareHash(persisted.sha256Hash) : null;
}

/**
 * Runs before Apollo parses anything: swaps a named document in (POST body or GET parameters) and
 * refuses an unknown id, a mismatch or, in trusted-only mode, an unlisted document with a 400.
 */
export function trustedDocumentsHook(trusted: TrustedDocuments) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      if (request.method === 'GET') return rewriteGet(request, trusted);
      const body = request.body;
      if (!body || typeof body !== 'object' || Array.isArray(body)) return; // Apollo refuses these itself
      const fields = body as DocumentRequest & Record<string, unknown>;
      const query = trusted.resolve(fields);
      if (query !== undefined) fields.query = query;
      delete fields.documentId;
      if (fields.extensions && typeof fields.extensions === 'object') delete (fields.extensions as Record<string, unknown>).persistedQuery;
    } catch (err) {
      if (!(err instanceof TrustedDocumentError)) throw err;
      return reply.code(400).send({ errors: [{ message: err.message, extensions: { code: err.extensions.code } }] });
    }
  };
}

/** The GET parameters Apollo reads; each may appear once (Apollo refuses repeats too, but only after this check). */
const GET_FIELDS = ['query', 'documentId', 'extensions', 'operationName', 'variables'] as const;

/**
 * Reads the URL with the parser Apollo uses (WHATWG `URL`, as @as-integrations/fastify does), then hands
 * Apollo the URL rebuilt from what was checked: whatever it parses is what passed the allow-list.
 */
function rewriteGet(request: FastifyRequest, trusted: TrustedDocuments): void {
  const raw = request.raw.url!;
  // A fragment never reaches a server from a browser; a raw client sending one is asking two parsers to disagree.
  if (raw.includes('#')) throw new TrustedDocumentError('BAD_REQUEST', 'A GraphQL URL may not carry a fragment (#).');
  const url = new URL(raw, 'http://localhost/');
  const params = url.searchParams;
  const repeated = GET_FIELDS.find((name) => params.getAll(name).length > 1);
  if (repeated) throw new TrustedDocumentError('BAD_REQUEST', `The '${repeated}' parameter may be given only once.`);
  let extensions: unknown;
  try {
    extensions = params.has('extensions') ? JSON.parse(params.get('extensions')!) : undefined;
  } catch {
    throw new TrustedDocumentError('BAD_REQUEST', 'The extensions parameter is not valid JSON.');
  }
  const query = trusted.resolve({ query: params.get('query') ?? undefined, documentId: params.get('documentId') ?? undefined, extensions });
  if (query !== undefined) params.set('query', query);
  else params.delete('query');
  params.delete('documentId');
  if (extensions && typeof extensions === 'object' && 'persistedQuery' in extensions) {
    const { persistedQuery: _named, ...rest } = extensions as Record<string, unknown>;
    if (Object.keys(rest).length) params.set('extensions', JSON.stringify(rest));
    else params.delete('extensions');
  }
  request.raw.url = `${url.pathname}?${params}`;
}
