import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createTestServer, register, REGISTER, type TestServer } from '../helpers/server';
import { RawSocket, wsUrl } from '../helpers/ws';

const sha = (doc: string) => createHash('sha256').update(doc).digest('hex');
const ME = 'query Me { me { id username } }';
const TYPENAME = 'query T { __typename }';
const PRODUCT_CHANGED = 'subscription P($id: ID!) { productChanged(id: $id) { id } }';
const OLD = 'query Old { __typename }';

const dir = mkdtempSync(join(tmpdir(), 'tg-trusted-'));
const manifest = join(dir, 'persisted-documents.json');
writeFileSync(manifest, JSON.stringify({ [`sha256:${sha(ME)}`]: ME, [`sha256:${sha(TYPENAME)}`]: TYPENAME, [`sha256:${sha(PRODUCT_CHANGED)}`]: PRODUCT_CHANGED, [`sha256:${sha(REGISTER)}`]: REGISTER }));
// The previous deploy's list, accepted alongside while a new frontend rolls out; bare hex keys as Apollo writes them.
const previous = join(dir, 'previous.json');
writeFileSync(previous, JSON.stringify({ [sha(OLD)]: OLD }));

const post = (server: TestServer, body: unknown, token?: string) =>
  fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as any,
  }));

/** A GET sent as written (fetch would drop a fragment), with the CSRF-prevention header Apollo asks for. */
function rawGet(server: TestServer, path: string): Promise<{ status: number; body: any }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { 'apollo-require-preflight': '1' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject).end();
  });
}

describe.each([
  ['TRUSTED_DOCUMENTS', { TRUSTED_DOCUMENTS: `${manifest},${previous}` }, false],
  ['TRUSTED_DOCUMENTS_ONLY', { TRUSTED_DOCUMENTS: `${manifest},${previous}`, TRUSTED_DOCUMENTS_ONLY: 'true' }, true],
])('%s', (_name, env, only) => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await createTestServer(env);
    token = (await register(server, 'trusted_user')).accessToken;
  });
  afterAll(() => server.close());

  it('runs a listed document named by documentId (sha256:…) or by Apollo’s persistedQuery hash', async () => {
    expect((await post(server, { documentId: `sha256:${sha(ME)}` }, token)).body.data.me.username).toBe('trusted_user');
    expect((await post(server, { extensions: { persistedQuery: { version: 1, sha256Hash: sha(ME) } } }, token)).body.data.me.username).toBe('trusted_user');
    expect((await post(server, { documentId: sha(OLD) })).body.data).toEqual({ __typename: 'Query' });
  });

  it('runs a named document over GET too', async () => {
    const res = await server.http(`/graphql?documentId=sha256:${sha(TYPENAME)}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('accepts a listed document sent in full', async () => {
    const res = await post(server, { query: ME }, token);
    expect(res.status).toBe(200);
    expect(res.body.data.me.username).toBe('trusted_user');
  });

  it('answers an unknown or tampered hash with 400 PERSISTED_DOCUMENT_NOT_FOUND', async () => {
    const tampered = sha(ME).replace(/^./, (c) => (c === '0' ? '1' : '0'));
    for (const body of [{ documentId: `sha256:${tampered}` }, { documentId: 'sha256:nothex' }, { extensions: { persistedQuery: { version: 1, sha256Hash: tampered } } }]) {
      const res = await post(server, body, token);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('PERSISTED_DOCUMENT_NOT_FOUND');
    }
  });

  it('refuses a listed hash sent with a different document (400 PERSISTED_DOCUMENT_MISMATCH)', async () => {
    const res = await post(server, { documentId: `sha256:${sha(TYPENAME)}`, query: '{ me { id } }' }, token);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('PERSISTED_DOCUMENT_MISMATCH');
  });

  it(only ? 'refuses an unlisted document, signed in or not (400 DOCUMENT_NOT_TRUSTED)' : 'still runs unlisted documents', async () => {
    for (const t of [undefined, token]) {
      const res = await post(server, { query: '{ me { id } __typename }' }, t);
      if (only) {
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'DOCUMENT_NOT_TRUSTED' } }] });
      } else {
        expect(res.body.errors?.[0]?.extensions?.code ?? 'ok').not.toBe('DOCUMENT_NOT_TRUSTED');
      }
    }
  });

  it('checks exactly the GET parameters Apollo runs: a second ?, repeats, a fragment and extensions cannot slip a document past', async () => {
    const UNLISTED = '{ products(first: 1) { totalCount } }';
    const q = encodeURIComponent;
    const cases: Array<[string, string]> = [
      // JavaScript's split('?', 2) dropped everything after a second "?"; Apollo reads the whole search string.
      [`?_?&query=${q(UNLISTED)}`, only ? 'DOCUMENT_NOT_TRUSTED' : 'ok'],
      [`?query=${q(TYPENAME)}&query=${q(UNLISTED)}`, 'BAD_REQUEST'],
      [`?documentId=sha256:${sha(TYPENAME)}&documentId=sha256:${sha(ME)}`, 'BAD_REQUEST'],
      [`?query=${q(UNLISTED)}&extensions=${q(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha(TYPENAME) } }))}`, 'PERSISTED_DOCUMENT_MISMATCH'],
      [`?query=${q(UNLISTED)}&extensions=${q('{}')}&extensions=${q(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha(TYPENAME) } }))}`, 'BAD_REQUEST'],
      [`?documentId=sha256:${sha(TYPENAME)}&query=${q(UNLISTED)}`, 'PERSISTED_DOCUMENT_MISMATCH'],
      [`?query=${q(TYPENAME)}#&query=${q(UNLISTED)}`, 'BAD_REQUEST'],
    ];
    for (const [search, code] of cases) {
      const res = await rawGet(server, `/graphql${search}`);
      const got = res.body.errors?.[0]?.extensions?.code ?? (res.body.data?.products ? 'ok' : JSON.stringify(res.body));
      expect([search, got]).toEqual([search, code]);
      if (code !== 'ok') expect(res.status).toBe(400);
    }
  });

  it('runs over GET the document a hash names, with the other extensions kept', async () => {
    const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha(TYPENAME) }, other: 1 });
    const res = await rawGet(server, `/graphql?_?&extensions=${encodeURIComponent(extensions)}`);
    expect(res.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses in a POST body what it refuses over GET: a hash in extensions with another document', async () => {
    const res = await post(server, { query: '{ products(first: 1) { totalCount } }', extensions: { persistedQuery: { version: 1, sha256Hash: sha(TYPENAME) } } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('PERSISTED_DOCUMENT_MISMATCH');
  });

  it('applies the same list to subscribe messages on the WebSocket', async () => {
    const s = new RawSocket(wsUrl(server));
    expect(await s.init()).toBe('ack');
    s.send({ id: 'named', type: 'subscribe', payload: { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: sha(PRODUCT_CHANGED) } }, variables: { id: '00000000-0000-0000-0000-000000000000' } } });
    s.send({ id: 'unknown', type: 'subscribe', payload: { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: sha('nope') } } } });
    s.subscribe('unlisted', 'subscription { productChanged(id: "x") { name } }');
    // A hash and another document in one subscribe message: what runs would not be what the hash names.
    s.send({ id: 'mismatch', type: 'subscribe', payload: { query: 'subscription { productChanged(id: "x") { name } }', extensions: { persistedQuery: { version: 1, sha256Hash: sha(PRODUCT_CHANGED) } } } });
    expect((await s.next((m) => m.id === 'unknown')).payload[0].extensions.code).toBe('PERSISTED_DOCUMENT_NOT_FOUND');
    if (only) expect((await s.next((m) => m.id === 'unlisted')).payload[0].extensions.code).toBe('DOCUMENT_NOT_TRUSTED');
    expect((await s.next((m) => m.id === 'mismatch')).payload[0].extensions.code).toBe('PERSISTED_DOCUMENT_MISMATCH');
    // The named subscription is running: no error arrived for it.
    expect(s.messages.find((m) => m.id === 'named')).toBeUndefined();
    s.close();
  });
});

describe('TRUSTED_DOCUMENTS configuration', () => {
  const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), DATA_DIR: dir };

  it('refuses a manifest whose entry is not the hash of its document', () => {
    const forged = join(dir, 'forged.json');
    writeFileSync(forged, JSON.stringify({ [`sha256:${sha(TYPENAME)}`]: '{ me { id } }' }));
    expect(() => loadConfig({ ...base, TRUSTED_DOCUMENTS: forged })).toThrow(/TRUSTED_DOCUMENTS/);
  });

  it('refuses a missing or malformed manifest, and TRUSTED_DOCUMENTS_ONLY without one', () => {
    expect(() => loadConfig({ ...base, TRUSTED_DOCUMENTS: join(dir, 'absent.json') })).toThrow(/TRUSTED_DOCUMENTS/);
    const array = join(dir, 'array.json');
    writeFileSync(array, '[]');
    expect(() => loadConfig({ ...base, TRUSTED_DOCUMENTS: array })).toThrow(/TRUSTED_DOCUMENTS/);
    expect(() => loadConfig({ ...base, TRUSTED_DOCUMENTS_ONLY: 'true' })).toThrow(/TRUSTED_DOCUMENTS_ONLY/);
  });
});
