import { connect, type Socket } from 'node:net';
import { createTestServer, type TestServer } from '../helpers/server';
import { connectCode } from '../helpers/process';

const portOf = (server: TestServer) => Number(new URL(server.url).port);

/** Everything the socket receives until it closes. */
function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (text += chunk));
    socket.on('close', () => resolve(text));
    socket.on('error', () => resolve(text));
  });
}

describe('drain on stop (SIGTERM)', () => {
  it('/readyz answers 503 at once while the listener still serves for SHUTDOWN_DELAY', async () => {
    const server = await createTestServer({ SHUTDOWN_DELAY: '2' });
    expect((await server.http('/readyz')).status).toBe(200);
    const stopped = server.app.stop();
    const ready = await server.http('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'draining' });
    // Still accepting and serving: a balancer has SHUTDOWN_DELAY to notice.
    expect(await connectCode(portOf(server))).toBe('connected');
    expect((await server.gql('{ __typename }')).body.data).toEqual({ __typename: 'Query' });
    await stopped;
    expect(await connectCode(portOf(server))).toBe('ECONNREFUSED');
    await server.close();
  });

  it('a request arriving on a kept-alive connection after the listener closed gets SERVICE_UNAVAILABLE with Retry-After and Connection: close', async () => {
    const server = await createTestServer();
    const socket = connect({ host: '127.0.0.1', port: portOf(server) });
    await new Promise((resolve) => socket.once('connect', resolve));
    const received = readAll(socket);
    const body = JSON.stringify({ query: '{ __typename }' });
    // The first request is in flight (its body not yet complete) when the stop begins.
    socket.write(`POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body.slice(0, 5)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopped = server.app.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.write(`${body.slice(5)}GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
    const text = await received;
    await stopped;
    const responses = text.split(/(?=HTTP\/1\.1 )/);
    expect(responses[0]).toMatch(/^HTTP\/1\.1 200/);
    expect(responses[1]).toMatch(/^HTTP\/1\.1 503/);
    expect(responses[1]).toMatch(/\r\nretry-after: 5\r\n/i);
    expect(responses[1]).toMatch(/\r\nconnection: close\r\n/i);
    const json = JSON.parse(responses[1].split('\r\n\r\n')[1]);
    expect(json.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    await server.close();
  });
});
