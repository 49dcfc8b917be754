// The limit of the chosen stack: Apollo Server 5 on Fastify with defaults and a trivial schema, no logging.
import { ApolloServer } from '@apollo/server';
import fastifyApollo from '@as-integrations/fastify';
import fastify from 'fastify';
import { answerCpu, exitOnDisconnect } from './proc';

async function main(): Promise<void> {
  const apollo = new ApolloServer({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } });
  await apollo.start();
  const app = fastify();
  await app.register(fastifyApollo(apollo));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  exitOnDisconnect();
  answerCpu();
  process.stdout.write(JSON.stringify({ url: `${address}/graphql` }) + '\n');
}

main().catch((err) => {
  process.stderr.write(`apollo-fastify peer failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
