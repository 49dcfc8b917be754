import { createTestServer, firstError, type TestServer } from '../helpers/server';
import { as } from '../helpers/access';
import { makeAdmin } from '../helpers/shop';

describe('subscriptions over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => (server = await createTestServer()));
  afterAll(() => server.close());

  it('are refused with 400 BAD_REQUEST before anything runs (they belong on the WebSocket)', async () => {
    const admin = await makeAdmin(server, 'root');
    for (const [query, who] of [
      ['subscription { auditEventAdded { id type } }', as(admin)],
      ['subscription { cartChanged { __typename } }', as(admin)],
      ['subscription ($id: ID!) { productChanged(id: $id) { id } }', {}],
    ] as const) {
      const res = await server.gql(query, { id: '00000000-0000-4000-8000-000000000000' }, who);
      expect([query, res.status, firstError(res)]).toEqual([query, 400, expect.objectContaining({ code: 'BAD_REQUEST' })]);
      expect(res.body.data ?? null).toBeNull();
    }
  });
});

describe('DateTime', () => {
  let server: TestServer;
  beforeAll(async () => (server = await createTestServer()));
  afterAll(() => server.close());

  it('accepts the years 0001 to 9999 and refuses the rest as BAD_USER_INPUT (not a database error)', async () => {
    const admin = await makeAdmin(server, 'root');
    const q = `query ($since: DateTime) { auditEvents(first: 1, filter: { since: $since }) { totalCount } }`;
    for (const since of ['+275760-09-13T00:00:00.000Z', '+010000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '0000-06-01T00:00:00Z']) {
      const res = await server.gql(q, { since }, as(admin));
      expect([since, firstError(res)]).toEqual([since, expect.objectContaining({ code: 'BAD_USER_INPUT' })]);
    }
    for (const since of ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '2026-12-01T00:00:00Z']) {
      expect([since, (await server.gql(q, { since }, as(admin))).body.errors]).toEqual([since, undefined]);
    }
  });

  it('refuses a users cursor whose sign-in time is out of range or carries more parts', async () => {
    const admin = await makeAdmin(server, 'root2');
    const cursor = (text: string) => Buffer.from(text).toString('base64url');
    const q = `query ($after: String) { users(first: 1, after: $after, orderBy: LAST_SIGN_IN_DESC) { totalCount } }`;
    for (const text of [`user-signin:${admin.user.id}.253402300800000`, `user-signin:${admin.user.id}.1.2`]) {
      expect(firstError(await server.gql(q, { after: cursor(text) }, as(admin)))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
    expect((await server.gql(q, { after: cursor(`user-signin:${admin.user.id}.1764547200000`) }, as(admin))).body.errors).toBeUndefined();
  });
});
