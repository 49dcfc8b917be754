import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import cors from 'cors';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { Config } from './config';
import { makeContextBuilder, type Context } from './context';
import { initORM, type Orm } from './db/orm';
import { makeFormatError, unavailableStatusPlugin } from './errors';
import { systemClock, type Clock } from './lib/clock';
import { createLogger, type Logger } from './lib/logger';
import { buildSchema } from './schema';
import { jsonErrorHandler, requestLog, securityHeaders } from './http';
import { armor } from './armor';
import { createServices, type Services } from './services';
import { RateLimits } from './modules/auth/rate-limit';
import { openLimiterStore } from './db/limiter-store';

export interface App {
  express: express.Express;
  httpServer: http.Server;
  orm: Orm;
  services: Services;
  logger: Logger;
  /** Starts listening; port 0 picks a free one. Resolves to the GraphQL endpoint URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Drains in-flight requests, then closes the database. */
  stop(): Promise<void>;
}

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
}

/** Builds the whole server without listening, so tests and the benchmark reuse it. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const orm = await initORM(config.database);
  const store = await openLimiterStore(config, orm, logger).catch(async (err) => {
    await orm.close();
    throw err;
  });
  const services = createServices(config, clock, await RateLimits.create(config.rateLimits, store.store, config.rateLimitPrefix), () => orm.em, logger);
  await services.passwords.warmUp();

  const app = express();
  const httpServer = http.createServer(app);
  const protection = armor(config);
  const apollo = new ApolloServer<Context>({
    schema: buildSchema(),
    formatError: makeFormatError(logger),
    ...protection,
    parseOptions: { maxTokens: config.graphqlLimits.maxTokens },
    includeStacktraceInErrorResponses: false,
    introspection: config.introspection,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    plugins: [
      ...protection.plugins,
      ApolloServerPluginDrainHttpServer({ httpServer }),
      unavailableStatusPlugin,
      config.landingPage ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: true }) : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(requestLog(logger), securityHeaders(config));
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    const ready = await orm.isConnected().catch(() => false);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable' });
  });
  app.get('/.well-known/jwks.json', (_req, res) => {
    // Only public keys are ever listed; with HS256 there is nothing that may be published.
    if (!config.jwt.keys.jwks.length) return void res.status(404).json({ errors: [{ message: 'No public keys: JWT_ALGORITHM is HS256.', extensions: { code: 'NOT_FOUND' } }] });
    res.set('cache-control', 'public, max-age=300, must-revalidate').json({ keys: config.jwt.keys.jwks });
  });
  // Exact path: /graphql/anything is a 404, not a second GraphQL endpoint.
  app.all(
    '/graphql',
    cors({ origin: allowedOrigins(config), credentials: true, maxAge: 600 }),
    express.json({ limit: config.bodyLimit }),
    (req, _res, next) => {
      // Apollo answers a body it cannot use (wrong content type) with a 400; it only needs the key present.
      if (!('body' in req)) (req as { body?: unknown }).body = undefined;
      next();
    },
    expressMiddleware(apollo, { context: makeContextBuilder({ em: orm.em, services, config, clock }) }),
  );
  app.use((_req, res) => void res.status(404).json({ errors: [{ message: 'Not found.', extensions: { code: 'NOT_FOUND' } }] }));
  app.use(jsonErrorHandler(logger));

  return {
    express: app,
    httpServer,
    orm,
    services,
    logger,
    listen: (port = config.port, host = config.host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const { port: bound } = httpServer.address() as AddressInfo;
          resolve(`http://${host === '0.0.0.0' ? 'localhost' : host}:${bound}/graphql`);
        });
      }),
    stop: async () => {
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((r) => httpServer.close(() => r()));
      await services.audit.flush();
      await store.close();
      await orm.close();
    },
  };
}

/** The embedded Sandbox runs on Apollo's origin and calls this API from there, so it is allowed while it is served. */
const SANDBOX_ORIGINS = ['https://sandbox.embed.apollographql.com', 'https://studio.apollographql.com'];
const allowedOrigins = (config: Config) => (config.landingPage ? [...config.corsOrigins, ...SANDBOX_ORIGINS] : config.corsOrigins);
