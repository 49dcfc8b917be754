import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestServer, LOGIN, REGISTER, type TestServer } from '../../helpers/server';
import { RawSocket, wsUrl } from '../../helpers/ws';
import { CREATE_API_TOKEN, CREATE_ROLE, GRANT_ROLE, PASSWORD } from '../../helpers/access';
import { User } from '../../../src/modules/user/user.entity';

const sha = (doc: string) => createHash('sha256').update(doc).digest('hex');
const USERS = 'query Users { users(first: 1) { totalCount } }';
const AUDIT = 'query Audit { auditEvents(first: 1) { totalCount } }';
const CHANGE_PASSWORD = 'mutation Change($input: ChangePasswordInput!) { changePassword(input: $input) { accessToken } }';
const CART_CHANGED = 'subscription Cart { cartChanged { itemCount } }';
const DOCS = [USERS, AUDIT, CHANGE_PASSWORD, CART_CHANGED, REGISTER, LOGIN, CREATE_ROLE, GRANT_ROLE, CREATE_API_TOKEN];

/** The same rules hold when clients may only send documents from the allow-list: the list names documents, the schema decides. */
describe('access rules in TRUSTED_DOCUMENTS_ONLY mode', () => {
  let server: TestServer;
  const byId = (doc: string, variables: Record<string, unknown> = {}, token?: string) =>
    fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ documentId: `sha256:${sha(doc)}`, variables }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  const data = async (doc: string, variables: Record<string, unknown>, field: string, token?: string) => {
    const res = await byId(doc, variables, token);
    if (!res.body.data?.[field]) throw new Error(`${field}: ${JSON.stringify(res.body.errors)}`);
    return res.body.data[field];
  };

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-trusted-access-'));
    const manifest = join(dir, 'persisted-documents.json');
    writeFileSync(manifest, JSON.stringify(Object.fromEntries(DOCS.map((d) => [`sha256:${sha(d)}`, d]))));
    server = await createTestServer({ TRUSTED_DOCUMENTS: manifest, TRUSTED_DOCUMENTS_ONLY: 'true' });
  });
  afterAll(() => server.close());

  it('refuses and allows by the same rules over HTTP and WebSocket', async () => {
    const register = (username: string) => data(REGISTER, { input: { username, password: PASSWORD } }, 'register');
    const root = await register('root');
    await server.app.orm.em.fork().nativeUpdate(User, { id: root.user.id }, { role: 'ADMIN' });
    const admin = await data(LOGIN, { input: { username: 'root', password: PASSWORD } }, 'login');
    const plain = await register('plain');

    expect((await byId(USERS)).status).toBe(401);
    const refused = await byId(USERS, {}, plain.accessToken);
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'users:read' });
    expect((await byId(USERS, {}, admin.accessToken)).status).toBe(200);

    await data(CREATE_ROLE, { name: 'AUDITOR', permissions: ['audit:read'] }, 'createRole', admin.accessToken);
    await data(GRANT_ROLE, { userId: plain.user.id, role: 'AUDITOR' }, 'grantRole', admin.accessToken);
    expect((await byId(AUDIT, {}, plain.accessToken)).status).toBe(200);

    const { token } = await data(CREATE_API_TOKEN, { name: 'ci', scopes: ['users:read'], days: 1 }, 'createApiToken', admin.accessToken);
    expect((await byId(USERS, {}, token)).status).toBe(200);
    const scoped = await byId(AUDIT, {}, token);
    expect(scoped.status).toBe(403);
    expect(scoped.body.errors[0].extensions).toMatchObject({ reason: 'INSUFFICIENT_SCOPE', missing: 'audit:read' });
    const sensitive = await byId(CHANGE_PASSWORD, { input: { currentPassword: PASSWORD, newPassword: 'another long passphrase' } }, token);
    expect(sensitive.status).toBe(403);
    expect(sensitive.body.errors[0].extensions).toMatchObject({ reason: 'API_TOKEN_NOT_ALLOWED' });

    const named = { id: 'c', type: 'subscribe', payload: { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: sha(CART_CHANGED) } } } };
    const anonymous = new RawSocket(wsUrl(server));
    expect(await anonymous.init()).toBe('ack');
    anonymous.send(named);
    // Refused when it subscribes: a `next` carrying the error, then `complete`.
    const answer = await anonymous.next((m) => m.id === 'c');
    expect(answer).toMatchObject({ type: 'next', payload: { errors: [{ extensions: { code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' } }] } });
    anonymous.close();
    const signedIn = new RawSocket(wsUrl(server));
    expect(await signedIn.init({ authorization: `Bearer ${token}` })).toBe('ack');
    signedIn.send(named);
    await new Promise((r) => setTimeout(r, 300));
    expect(signedIn.messages.filter((m) => m.id === 'c')).toEqual([]); // running
    signedIn.close();
  });
});
