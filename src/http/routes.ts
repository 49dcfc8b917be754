import type { FastifyInstance } from 'fastify';
import type { Config } from '../config';
import type { Orm } from '../db/orm';
import type { DrainState } from './drain';

/** Liveness, readiness and the public signing keys. */
export async function operationalRoutes(app: FastifyInstance, { config, orm, drain }: { config: Config; orm: Orm; drain: DrainState }): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    // From SIGTERM on, so balancers take this instance out before it stops accepting (SHUTDOWN_DELAY).
    if (drain.draining) return reply.code(503).send({ status: 'draining' });
    const ready = await orm.isConnected().catch(() => false);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable' });
  });
  app.get('/.well-known/jwks.json', async (_request, reply) => {
    // Only public keys are ever listed; with HS256 there is nothing that may be published.
    if (!config.jwt.keys.jwks.length) {
      return reply.code(404).send({ errors: [{ message: 'No public keys: JWT_ALGORITHM is HS256.', extensions: { code: 'NOT_FOUND' } }] });
    }
    return reply.header('cache-control', 'public, max-age=300, must-revalidate').send({ keys: config.jwt.keys.jwks });
  });
}
