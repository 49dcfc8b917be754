import type { ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import cors from '@fastify/cors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config';
import type { Context } from '../context';
import { corsOptions } from './security';

interface Options {
  apollo: ApolloServer<Context>;
  config: Config;
  context: (request: FastifyRequest, reply: FastifyReply) => Promise<Context>;
}

/** `/graphql`, the only GraphQL path, with CORS scoped to it. Register as an encapsulated plugin. */
export async function graphqlRoute(scope: FastifyInstance, { apollo, config, context }: Options): Promise<void> {
  await scope.register(cors, corsOptions(config));
  // Bodies that are not JSON reach Apollo empty, so it answers them (CSRF prevention, content type) with its own 400.
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));
  // Other methods reach Apollo too, which answers 405 with Allow.
  scope.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/graphql', exposeHeadRoute: false, handler: fastifyApolloHandler(apollo, { context }) });
  // Uptime checks probe with HEAD: the endpoint exists, nothing runs.
  scope.head('/graphql', async (_request, reply) => reply.type(config.landingPage ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8').send());
}
