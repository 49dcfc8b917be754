import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config';
import { OTHER, type Metrics } from './metrics';

/** Counts every answered request by its route pattern (never the raw URL, which a client chooses). */
export function countRequests(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequest(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

/** One count per HTTP GraphQL operation: its type, the first error's code (OK without one) and a listed name or "other". */
export function graphqlMetricsPlugin(metrics: Metrics, names: ReadonlySet<string>): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, operationName, errors }) {
          const code = errors?.length ? String(errors[0].extensions?.code ?? 'INTERNAL_SERVER_ERROR') : 'OK';
          metrics.graphqlOperation(operation?.operation, code, operationName && names.has(operationName) ? operationName : OTHER);
        },
      };
    },
  };
}

/** GET /metrics on the main port: behind METRICS_TOKEN when set, open when neither it nor METRICS_PORT is (outside production). */
export async function metricsRoute(app: FastifyInstance, { metrics, token }: { metrics: Metrics; token: string | null }): Promise<void> {
  app.get('/metrics', async (request, reply) => {
    if (token && !bearerMatches(request.headers.authorization, token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="tokengate-metrics"')
        .send({ errors: [{ message: 'The metrics need METRICS_TOKEN as a bearer token.', extensions: { code: 'UNAUTHENTICATED' } }] });
    }
    return reply.type(metrics.registry.contentType).send(await metrics.text());
  });
}

/** Hashes both sides first so the comparison takes the same time whatever the lengths. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const sent = /^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '';
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(sent), digest(token));
}

/** METRICS_PORT: a listener of its own that answers only GET /metrics, on METRICS_HOST (loopback by default). */
export async function startMetricsServer(metrics: Metrics, { host, port }: NonNullable<Config['metrics']['listener']>): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?', 1)[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ errors: [{ message: 'Not found.', extensions: { code: 'NOT_FOUND' } }] }));
      return;
    }
    metrics.text().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
