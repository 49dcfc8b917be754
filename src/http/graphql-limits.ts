import type { FastifyReply, FastifyRequest, onSendAsyncHookHandler } from 'fastify';
import { QueryLimitError, ResponseTooLargeError, type AppError } from '../errors';

/** UTF-8 length above max, without measuring short texts (a character is 1 to 3 bytes, a surrogate pair 4). */
export function overBytes(text: string, max: number): boolean {
  if (text.length > max) return true;
  return text.length * 3 > max && Buffer.byteLength(text, 'utf8') > max;
}

const send = (reply: FastifyReply, err: AppError, status: number) => {
  const { http: _http, ...extensions } = err.extensions as Record<string, unknown>;
  return reply.code(status).type('application/json; charset=utf-8').send({ errors: [{ message: err.message, extensions }] });
};

/**
 * GRAPHQL_MAX_DOCUMENT_BYTES, before Apollo parses or caches anything: the query text as sent, comments
 * included (the token limit does not see them). Documents named from TRUSTED_DOCUMENTS are the server's own.
 */
export function documentLimitHook(maxBytes: number) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const fields = (request.method === 'GET' ? request.query : request.body) as { query?: unknown } | null | undefined;
    const query = fields && typeof fields === 'object' ? fields.query : undefined;
    if (typeof query === 'string' && overBytes(query, maxBytes)) return send(reply, new QueryLimitError('DOCUMENT_BYTES', maxBytes), 400);
  };
}

/**
 * GRAPHQL_MAX_RESPONSE_BYTES: an answer past it is replaced by RESPONSE_TOO_LARGE (status 200 like other
 * errors of a request that ran: its mutations did). The cost limit keeps most such answers from being built.
 */
export function responseLimitHook(maxBytes: number): onSendAsyncHookHandler<unknown> {
  return async (_request, reply, payload) => {
    const tooLarge = typeof payload === 'string' ? overBytes(payload, maxBytes) : Buffer.isBuffer(payload) && payload.length > maxBytes;
    if (!tooLarge) return payload;
    const err = new ResponseTooLargeError(maxBytes);
    reply.removeHeader('content-length');
    reply.code(200).type('application/json; charset=utf-8');
    const { http: _http, ...extensions } = err.extensions as Record<string, unknown>;
    return JSON.stringify({ data: null, errors: [{ message: err.message, extensions }] });
  };
}
