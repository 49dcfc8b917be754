import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { Config } from './config';
import { makeContextBuilder, type Context } from './context';
import { initORM, type Orm } from './db/orm';
import { makeFormatError, unavailableStatusPlugin } from './errors';
import { systemClock, type Clock } from './lib/clock';
import { createLogger, type AppLogger } from './lib/logger';
import { buildSchema } from './schema';
import { armor } from './armor';
import { createServices, type Services } from './services';
import { RateLimits } from './modules/auth/rate-limit';
import { openLimiterStore } from './db/limiter-store';
import { AccessLog, genReqId } from './http/request-log';
import { httpErrorHandler, notFound } from './http/errors';
import { helmetOptions } from './http/security';
import { operationalRoutes } from './http/routes';
import { graphqlRoute } from './http/graphql';
import { assertWebBuild, landingPageLink, WEB_PREFIX, webApp, webDistDir } from './http/web';
import { registerWebSocket, upgradeGuard } from './http/websocket';
import { makeHandler } from 'graphql-ws/use/@fastify/websocket';
import { openLiveBus } from './modules/live/live.bus';
import { LiveService } from './modules/live/live.service';
import { socketInspector } from './modules/live/live.inspector';
import { SocketRegistry } from './modules/live/live.sockets';
import { liveServerOptions } from './modules/live/live.server';
import { oidcRoutes } from './modules/oidc/oidc.routes';

export interface App {
  fastify: FastifyInstance;
  orm: Orm;
  services: Services;
  logger: AppLogger;
  /** Starts listening; port 0 picks a free one. Resolves to the GraphQL endpoint URL. */
  listen(port?: number, host?: string): Promise<string>;
  /**
   * Stops accepting, closes idle keep-alive connections, lets in-flight requests finish (cut after
   * SHUTDOWN_TIMEOUT), then closes the database and the limiter store. Safe to call twice.
   */
  stop(): Promise<void>;
}

export interface AppOptions {
  clock?: Clock;
  logger?: AppLogger;
  /** The web app's build folder; web/dist of the project by default. */
  webRoot?: string;
}

/** A hop count trusts that many proxies in front (Express's meaning; Fastify 5.12 would ignore a bare number). */
const trustProxy = (value: Config['trustProxy']) => (typeof value === 'number' ? (_address: string, hop: number) => hop < value : value);

/** Builds the whole server without listening, so tests and the benchmark reuse it. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const webRoot = options.webRoot ?? webDistDir();
  assertWebBuild(config, webRoot);
  const orm = await initORM(config.database);
  const store = await openLimiterStore(config, orm, logger).catch(async (err) => {
    await orm.close();
    throw err;
  });
  const bus = await openLiveBus(config, logger).catch(async (err) => {
    await store.close();
    await orm.close();
    throw err;
  });
  const live = new LiveService(bus, logger);
  const limits = await RateLimits.create(config.rateLimits, store.store, config.rateLimitPrefix);
  const services = createServices(config, clock, limits, () => orm.em, logger, live);
  await services.passwords.warmUp();

  const trusted = config.trustedDocuments;
  const protection = armor(config);
  const schema = buildSchema();
  const formatError = makeFormatError(logger);
  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    ...protection,
    parseOptions: { maxTokens: config.graphqlLimits.maxTokens },
    includeStacktraceInErrorResponses: false,
    introspection: config.introspection,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // With an allow-list, a hash names a manifest entry; Apollo's APQ would let any client register documents.
    ...(trusted ? { persistedQueries: false as const } : {}),
    // The entry point owns the signals; Apollo's own handlers would race it and deadlock inside stop().
    stopOnTerminationSignals: false,
    plugins: [
      ...protection.plugins,
      unavailableStatusPlugin,
      config.landingPage ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: true }) : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  const app: FastifyInstance = Fastify({
    loggerInstance: logger.pino as FastifyBaseLogger,
    logController: new AccessLog(),
    // No child logger per request: the access line carries the request id itself.
    childLoggerFactory: (logger) => logger,
    genReqId,
    trustProxy: trustProxy(config.trustProxy),
    bodyLimit: config.bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.setErrorHandler(httpErrorHandler(logger));
  app.setNotFoundHandler(notFound);
  await app.register(helmet, helmetOptions(config));
  await registerWebSocket(app, config);
  await app.register(operationalRoutes, { config, orm });
  await app.register(oidcRoutes, { config, services, em: orm.em });
  if (config.web.app) await app.register(webApp, { prefix: WEB_PREFIX, config, root: webRoot });
  if (config.landingPage && config.web.explorer) landingPageLink(app);

  const inspect = socketInspector(services.sql, services, clock, config.session.idleTtl);
  const registry = new SocketRegistry(inspect, clock, config.live.maxSocketsPerUser);
  live.attach(registry);
  // Catches what a lost bus message would have: sessions ended while an instance was not listening.
  const recheck = setInterval(() => void registry.recheckAll().catch(() => undefined), config.live.recheckSeconds * 1000).unref();
  const wsOptions = liveServerOptions({ schema, registry, inspect, validationRules: protection.validationRules, formatError, trusted, em: orm.em, services, config, clock });
  await app.register(graphqlRoute, {
    apollo,
    config,
    context: makeContextBuilder({ em: orm.em, services, config, clock }),
    wsHandler: makeHandler(wsOptions),
    upgradeGuard: upgradeGuard(config, limits),
    trusted,
  });
  await app.ready();

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    clearInterval(recheck);
    const cut = setTimeout(() => {
      logger.warn('shutdown timeout: cutting requests still running', { seconds: config.shutdownTimeout });
      app.server.closeAllConnections();
      for (const socket of app.websocketServer.clients) socket.terminate();
    }, config.shutdownTimeout * 1000).unref();
    // Connections that finish a request during the drain go idle later; close them as they do.
    const idle = setInterval(() => app.server.closeIdleConnections(), 50).unref();
    try {
      await app.close();
    } finally {
      clearTimeout(cut);
      clearInterval(idle);
    }
    await apollo.stop();
    await services.apiTokens.flush();
    await services.events.flush();
    await services.audit.flush();
    await live.flush();
    await bus.close();
    await store.close();
    await orm.close();
  };

  return {
    fastify: app,
    orm,
    services,
    logger,
    listen: async (port = config.port, host = config.host) => {
      await app.listen({ port, host });
      const { port: bound } = app.server.address() as AddressInfo;
      return `http://${host === '0.0.0.0' ? 'localhost' : host}:${bound}/graphql`;
    },
    stop: () => (stopping ??= stop()),
  };
}
