import type { FastifyInstance } from 'fastify';

const TOO_LARGE = JSON.stringify({ errors: [{ message: 'Request body is too large.', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
const DUPLICATE_HOST = { errors: [{ message: 'Malformed request: more than one Host header.', extensions: { code: 'BAD_REQUEST' } }] };

/**
 * HTTP details Node and Fastify leave open: `Expect: 100-continue` with a Content-Length over BODY_LIMIT is answered
 * 413 at once (Node would send `100 Continue` and invite the upload first), and a request with two Host headers
 * (which Node folds to the first) is refused, since proxies and this server could each read a different one.
 */
export function httpEdges(app: FastifyInstance, bodyLimit: number): void {
  // With a checkContinue listener Node no longer answers 100 by itself: this decides, then hands the request on.
  app.server.on('checkContinue', (req, res) => {
    const length = Number(req.headers['content-length']);
    if (Number.isFinite(length) && length > bodyLimit) {
      res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(TOO_LARGE), connection: 'close' });
      res.end(TOO_LARGE);
      return;
    }
    res.writeContinue();
    app.server.emit('request', req, res);
  });
  app.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw.rawHeaders;
    let hosts = 0;
    for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 4 && raw[i].toLowerCase() === 'host') hosts++;
    if (hosts > 1) {
      reply.code(400).header('connection', 'close').send(DUPLICATE_HOST);
      return;
    }
    done();
  });
}
