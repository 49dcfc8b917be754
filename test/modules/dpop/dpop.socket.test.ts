import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createTestServer, REGISTER, type TestServer } from '../../helpers/server';
import { RawSocket, wsUrl } from '../../helpers/ws';
import { dpopClient, gqlWith, PUBLIC_URL, RunningClock, type DpopClient } from '../../helpers/dpop';

const PASSWORD = 'correct horse battery';

describe('DPoP on WebSocket (connectionParams.dpop)', () => {
  let server: TestServer;
  let client: DpopClient;
  let accessToken: string;
  beforeAll(async () => {
    server = await createTestServer({ PUBLIC_URL }, new RunningClock());
    client = await dpopClient();
    accessToken = (await gqlWith(server.url, REGISTER, { input: { username: 'wes', password: PASSWORD } }, { dpop: await client.proof() })).body.data.register.accessToken;
  });
  afterAll(() => server.close());

  const open = () => new RawSocket(wsUrl(server));
  const authorization = () => `DPoP ${accessToken}`;

  it('opens with a fresh GET proof bound to the token and serves a subscription', async () => {
    const s = open();
    expect(await s.init({ authorization: authorization(), dpop: await client.proof('GET', { accessToken }) })).toBe('ack');
    s.subscribe('1', 'subscription { cartChanged { itemCount } }');
    s.close();
  });

  it('closes 4403 without a proof, with a POST proof, with a replayed proof, with another key, and for a bound token as Bearer', async () => {
    expect(await open().init({ authorization: authorization() })).toEqual({ code: 4403, reason: 'DPOP_PROOF_INVALID' });
    expect(await open().init({ authorization: authorization(), dpop: await client.proof('POST', { accessToken }) })).toEqual({ code: 4403, reason: 'DPOP_PROOF_INVALID' });
    const proof = await client.proof('GET', { accessToken });
    const first = open();
    expect(await first.init({ authorization: authorization(), dpop: proof })).toBe('ack');
    first.close();
    expect(await open().init({ authorization: authorization(), dpop: proof })).toEqual({ code: 4403, reason: 'DPOP_PROOF_REPLAYED' });
    const other = await dpopClient();
    expect(await open().init({ authorization: authorization(), dpop: await other.proof('GET', { accessToken }) })).toEqual({ code: 4403, reason: 'DPOP_KEY_MISMATCH' });
    expect(await open().init({ accessToken })).toEqual({ code: 4403, reason: 'DPOP_REQUIRED' });
  });

  it('works with the graphql-ws client when connectionParams signs a fresh proof on every (re)connect', async () => {
    let calls = 0;
    const ws = createClient({
      url: wsUrl(server),
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: async () => (calls++, { authorization: authorization(), dpop: await client.proof('GET', { accessToken }) }),
    });
    await new Promise<void>((resolve, reject) => {
      ws.on('connected', () => resolve());
      ws.on('closed', (e) => reject(new Error(`closed ${(e as { code: number }).code}`)));
    });
    expect(calls).toBe(1);
    await ws.dispose();
  });
});
