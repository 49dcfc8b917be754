import type { ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import cors from '@fastify/cors';
import type { FastifyInstance, FastifyReply, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import type { WebsocketHandler } from '@fastify/websocket';
import type { Config } from '../config';
import type { Context } from '../context';
import { corsHook, corsOptions } from './security';
import { trustedDocumentsHook, type TrustedDocuments } from './trusted-documents';
import { documentLimitHook, responseLimitHook } from './graphql-limits';

interface Options {
  apollo: ApolloServer<Context>;
  config: Config;
  context: (request: FastifyRequest, reply: FastifyReply) => Promise<Context>;
  /** graphql-ws on GET /graphql: @fastify/websocket takes a wsHandler only on a GET route. */
  wsHandler: WebsocketHandler;
  /** Runs before an upgrade (origin, rate limit); plain HTTP passes through. */
  upgradeGuard: preValidationAsyncHookHandler;
  /** With TRUSTED_DOCUMENTS: named documents swapped in, unknown ids (and, in trusted-only mode, unlisted documents) refused. */
  trusted: TrustedDocuments | null;
}

/** `/graphql`, the only GraphQL path, with CORS scoped to it. Register as an encapsulated plugin. */
export async function graphqlRoute(scope: FastifyInstance, { apollo, config, context, wsHandler, upgradeGuard, trusted }: Options): Promise<void> {
  // @fastify/cors in a child scope keeps only its OPTIONS preflight route; the routes here get corsHook, which does
  // nothing for a request without an Origin.
  await scope.register(async (preflight) => preflight.register(cors, corsOptions(config)));
  const corsOnRequest = corsHook(config);
  if (corsOnRequest) scope.addHook('onRequest', corsOnRequest);
  // Bodies that are not JSON reach Apollo empty, so it answers them (CSRF prevention, content type) with its own 400.
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));
  const handler = fastifyApolloHandler(apollo, { context });
  // The size of the document as sent is checked first; a trusted document swapped in is the server's own.
  const preHandler = [documentLimitHook(config.graphqlLimits.maxDocumentBytes), ...(trusted ? [trustedDocumentsHook(trusted)] : [])];
  scope.addHook('onSend', responseLimitHook(config.graphqlLimits.maxResponseBytes));
  scope.route({ method: 'GET', url: '/graphql', exposeHeadRoute: false, handler, wsHandler, preValidation: upgradeGuard, preHandler });
  // Other methods reach Apollo too, which answers 405 with Allow.
  scope.route({ method: ['POST', 'PUT', 'PATCH', 'DELETE'], url: '/graphql', handler, preHandler });
  // Uptime checks probe with HEAD: the endpoint exists, nothing runs.
  scope.head('/graphql', async (_request, reply) => reply.type(config.landingPage ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8').send());
}
