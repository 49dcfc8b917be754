import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../lib/logger';

type Body = { errors: [{ message: string; extensions: { code: string } }] };
const body = (message: string, code: string): Body => ({ errors: [{ message, extensions: { code } }] });

/** Body-parser and routing failures answer in the GraphQL error shape, never HTML, never with detail. */
export function httpErrorHandler(logger: Logger) {
  return (err: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      logger.error('unhandled request error', err);
      return reply.code(500).send(body('Internal server error.', 'INTERNAL_SERVER_ERROR'));
    }
    if (status === 413) return reply.code(413).send(body('Request body is too large.', 'PAYLOAD_TOO_LARGE'));
    if (status === 404) return notFound(_request, reply);
    // A static file's Range outside it: 416 (with the Content-Range the file server set), not a malformed body.
    if (status === 416) return reply.code(416).send(body('The requested range is not satisfiable.', 'RANGE_NOT_SATISFIABLE'));
    return reply.code(400).send(body('Malformed request body: expected JSON.', 'BAD_REQUEST'));
  };
}

export function notFound(_request: FastifyRequest, reply: FastifyReply) {
  return reply.code(404).send(body('Not found.', 'NOT_FOUND'));
}
