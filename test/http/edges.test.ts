import { connect } from 'node:net';
import { createTestServer, type TestServer } from '../helpers/server';

/** Raw HTTP/1.1 on a socket: what came back before `waitMs` of silence (or the close). */
function raw(server: TestServer, request: string, waitMs = 500): Promise<string> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = () => (clearTimeout(timer), socket.destroy(), resolve(received));
    socket.on('data', (chunk) => {
      received += chunk;
      clearTimeout(timer);
      timer = setTimeout(finish, waitMs);
    });
    socket.on('end', finish);
    socket.on('error', reject);
    socket.write(request);
    timer = setTimeout(finish, waitMs * 4);
  });
}

describe('HTTP edges', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ BODY_LIMIT: '1kb' });
  });
  afterAll(() => server.close());

  const post = (headers: string) => `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${headers}\r\n`;

  it('Expect: 100-continue with a body over BODY_LIMIT: 413 at once, never 100 Continue', async () => {
    const answer = await raw(server, post('Content-Length: 10000000\r\nExpect: 100-continue\r\n'));
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).not.toMatch(/100 Continue/i);
    expect(answer).toContain('PAYLOAD_TOO_LARGE');
  });

  it('Expect: 100-continue within BODY_LIMIT: 100 Continue, then the answer', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const { port } = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk;
        if (/^HTTP\/1\.1 100 /.test(received) && !received.includes('200 OK')) socket.write(body);
        if (received.includes('"__typename"')) (socket.destroy(), resolve(received));
      });
      socket.on('error', reject);
      socket.write(post(`Content-Length: ${body.length}\r\nExpect: 100-continue\r\n`));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 100 Continue/);
    expect(answer).toMatch(/HTTP\/1\.1 200 OK/);
  });

  it('refuses a request with two Host headers (400)', async () => {
    const answer = await raw(server, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect((await server.http('/healthz')).status).toBe(200);
  });
});
