// The floor: node:http answering every POST with the same body the baseline query returns.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exitOnDisconnect } from './proc';

const BODY = JSON.stringify({ data: { __typename: 'Query' } });

const server = http.createServer((req, res) => {
  req.resume(); // read the request body, as the real server must
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(BODY) });
    res.end(BODY);
  });
});

exitOnDisconnect();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}/graphql` }) + '\n');
});
