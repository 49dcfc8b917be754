import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../lib/logger';

type Body = { errors: [{ message: string; extensions: { code: string } }] };
const body = (message: string, code: string): Body => ({ errors: [{ message, extensions: { code } }] });

/** What each client error is, in the words and code it is answered with (anything else: its status's name). */
const CLIENT_ERRORS: Record<number, [code: string, message: string]> = {
  400: ['BAD_REQUEST', 'The request is malformed.'],
  403: ['FORBIDDEN', 'This path may not be read.'],
  405: ['METHOD_NOT_ALLOWED', 'This method is not allowed here.'],
  406: ['NOT_ACCEPTABLE', 'None of the accepted media types can be served.'],
  408: ['REQUEST_TIMEOUT', 'The request did not arrive in time.'],
  411: ['LENGTH_REQUIRED', 'The request needs a Content-Length.'],
  413: ['PAYLOAD_TOO_LARGE', 'Request body is too large.'],
  414: ['URI_TOO_LONG', 'The URL is too long.'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'This content type is not accepted; send application/json.'],
  416: ['RANGE_NOT_SATISFIABLE', 'The requested range is outside the file.'],
  417: ['EXPECTATION_FAILED', 'The Expect header cannot be met.'],
  431: ['REQUEST_HEADER_FIELDS_TOO_LARGE', 'The request headers are too large.'],
};

/** Body-parser and routing failures answer in the GraphQL error shape, never HTML, never with detail. */
export function httpErrorHandler(logger: Logger) {
  return (err: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      logger.error('unhandled request error', err);
      return reply.code(500).send(body('Internal server error.', 'INTERNAL_SERVER_ERROR'));
    }
    if (status === 404) return notFound(_request, reply);
    // A body that did not parse is the common 400: say so.
    if (status === 400 && err.code?.startsWith('FST_ERR_CTP_')) return reply.code(400).send(body('Malformed request body: expected JSON.', 'BAD_REQUEST'));
    const [code, message] = CLIENT_ERRORS[status] ?? ['BAD_REQUEST', `The request was refused (HTTP ${status}).`];
    return reply.code(status).send(body(message, code));
  };
}

export function notFound(_request: FastifyRequest, reply: FastifyReply) {
  return reply.code(404).send(body('Not found.', 'NOT_FOUND'));
}
