import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { ApolloServer } from '@apollo/server';
import './lib/apollo-hash';
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
import { nulBytesPlugin } from './lib/nul-bytes';
import { subscriptionsOverHttpPlugin } from './http/subscriptions';
import { lowerThreadPoolPriority } from './lib/pool-priority';
import { DOCUMENT_CACHE_BYTES, DocumentCache } from './document-cache';
import { createServices, type Services } from './services';
import { RateLimits } from './modules/auth/rate-limit';
import { openLimiterStore } from './db/limiter-store';
import { AccessLog, genReqId, traceIds } from './http/request-log';
import { httpErrorHandler, notFound } from './http/errors';
import { securityHeadersHook } from './http/security';
import { httpEdges } from './http/edges';
import { noStorePlugins } from './http/no-store';
import { operationalRoutes } from './http/routes';
import { graphqlRoute } from './http/graphql';
import { assertWebBuild, landingPageLink, WEB_PREFIX, webApp, webDistDir } from './http/web';
import { loggedSocketErrors, registerWebSocket, upgradeGuard } from './http/websocket';
import { makeHandler } from 'graphql-ws/use/@fastify/websocket';
import { openLiveBus } from './modules/live/live.bus';
import { LiveService } from './modules/live/live.service';
import { socketInspector } from './modules/live/live.inspector';
import { SocketRegistry } from './modules/live/live.sockets';
import { liveServerOptions } from './modules/live/live.server';
import { watchSqliteCommits } from './modules/live/live.sqlite-watch';
import { oidcRoutes } from './modules/oidc/oidc.routes';
import { openReplayCache } from './modules/dpop/dpop.replay';
import { NativeSql } from './db/native-sql';
import { Metrics } from './modules/ops/metrics';
import { countRequests, graphqlMetricsPlugin, metricsRoute, startMetricsServer } from './modules/ops/metrics.http';
import { drainGuard, type DrainState } from './http/drain';
import { RetentionJob } from './modules/ops/retention';
import type { Tracing } from './modules/ops/tracing';
import { startMail } from './modules/mail/mail.start';
import { OutboxMail } from './modules/mail/outbox.entity';
import type { MailWorker } from './modules/mail/mail.worker';

export interface App {
  fastify: FastifyInstance;
  orm: Orm;
  services: Services;
  logger: AppLogger;
  metrics: Metrics;
  /** The retention job (started every CLEANUP_INTERVAL by listen()); runOnce() is what `npm run cleanup` runs. */
  retention: RetentionJob;
  /** This instance's outbox worker; null when mail is disabled. */
  mailWorker: MailWorker | null;
  /** Starts listening (and the METRICS_PORT listener); port 0 picks a free one. Resolves to the GraphQL endpoint URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** The METRICS_PORT listener's port once listening, else null. */
  metricsPort(): number | null;
  /**
   * Fails /readyz at once, keeps serving for SHUTDOWN_DELAY, then stops accepting, closes idle keep-alive
   * connections, lets in-flight requests finish (cut after SHUTDOWN_TIMEOUT), answers requests that still
   * arrive with SERVICE_UNAVAILABLE, then closes the database and the limiter store. Safe to call twice.
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
  const lowered = await lowerThreadPoolPriority();
  if (lowered) logger.info('thread pool: lower CPU priority than the event loop', { threads: lowered });
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
  const replay = await openReplayCache(config, new NativeSql(config.database.kind, () => orm.em), clock, logger).catch(async (err) => {
    await bus.close();
    await store.close();
    await orm.close();
    throw err;
  });
  const live = new LiveService(bus, logger);
  const limits = await RateLimits.create(config.rateLimits, store.store, config.rateLimitPrefix);
  const services = createServices(config, clock, limits, () => orm.em, logger, live, replay);
  let registry: SocketRegistry | undefined;
  const metrics = new Metrics({ argon2: () => services.passwords.stats(), sockets: () => registry?.size ?? 0, subscriptions: () => live.subscriptions });
  services.audit.onRecord = (record) => metrics.audit(record);
  services.passwords.onWait = (seconds) => metrics.argon2Waited(seconds);
  limits.onRefused = (limiter) => metrics.rateLimited(limiter);
  live.onDelivered = (lag) => metrics.liveDelivered(lag);
  services.dpop.onRefusal((reason) => metrics.dpopRefused(reason));
  await services.passwords.warmUp();
  const mail = startMail(config, services, () => orm.em, clock, logger);
  if (mail.worker) mail.worker.onOutcome = (outcome) => metrics.mail(outcome);
  metrics.mailDepthSource = () => orm.em.fork().count(OutboxMail, { status: { $in: ['QUEUED', 'SENDING'] } });

  const trusted = config.trustedDocuments;
  const protection = armor(config);
  const schema = buildSchema();
  const formatError = makeFormatError(logger, { hideSuggestions: config.env === 'production' });
  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    ...protection,
    parseOptions: { maxTokens: config.graphqlLimits.maxTokens },
    documentStore: new DocumentCache(DOCUMENT_CACHE_BYTES),
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
      nulBytesPlugin,
      subscriptionsOverHttpPlugin,
      ...noStorePlugins,
      graphqlMetricsPlugin(metrics, trusted?.operationNames ?? new Set()),
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
    // Our own answer during the drain (drainGuard), in the GraphQL error shape, instead of Fastify's bare 503.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
  });
  // Only with OTEL_EXPORTER_OTLP_ENDPOINT is any OpenTelemetry package loaded; its request span opens before our hooks.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tracing: Tracing | null = config.tracing.endpoint ? (require('./modules/ops/tracing') as typeof import('./modules/ops/tracing')).startTracing() : null;
  if (tracing) await app.register(tracing.plugin);
  const drain: DrainState = { draining: false, closing: false };
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (tracing) traceIds.set(request, tracing.traceId(request));
    done();
  });
  httpEdges(app, config.bodyLimit);
  app.addHook('onRequest', drainGuard(drain));
  countRequests(app, metrics);
  app.setErrorHandler(httpErrorHandler(logger));
  app.setNotFoundHandler(notFound);
  app.addHook('onRequest', securityHeadersHook(config));
  await registerWebSocket(app, config);
  await app.register(operationalRoutes, { config, orm, drain });
  if (config.metrics.onMainPort) await app.register(metricsRoute, { metrics, token: config.metrics.token });
  await app.register(oidcRoutes, { config, services, em: orm.em });
  if (config.web.app) {
    await app.register(webApp, { prefix: WEB_PREFIX, config, root: webRoot });
    // A browser pointed at the server's root finds the app; with the app off, / stays a JSON 404.
    app.get('/', { exposeHeadRoute: true }, (_request, reply) => reply.redirect(`${WEB_PREFIX}/`, 302));
  }
  if (config.landingPage && config.web.explorer) landingPageLink(app);

  const inspect = socketInspector(services.sql, services, clock, config.session.idleTtl);
  registry = new SocketRegistry(inspect, clock, config.live.maxSocketsPerUser, config.live.maxAnonymousSocketsPerIp);
  live.attach(registry);
  // Catches what a lost bus message would have: sessions ended while an instance was not listening.
  const recheck = setInterval(() => void registry!.recheckAll().catch(() => undefined), config.live.recheckSeconds * 1000).unref();
  // SQLite without Redis: `npm run user` in another process is seen through the file's commit counter.
  const unwatch = config.database.kind === 'sqlite' && bus.kind === 'memory' ? watchSqliteCommits(orm, registry) : () => undefined;
  const wsOptions = liveServerOptions({ schema, registry: registry!, inspect, validationRules: protection.validationRules, formatError, trusted, em: orm.em, services, config, clock });
  await app.register(graphqlRoute, {
    apollo,
    config,
    context: makeContextBuilder({ em: orm.em, services, config, clock }),
    wsHandler: loggedSocketErrors(makeHandler(wsOptions), logger),
    upgradeGuard: upgradeGuard(config, limits),
    trusted,
  });
  await app.ready();
  const retention = new RetentionJob(orm, config, clock, logger, (table, rows) => metrics.cleanupRemoved(table, rows));

  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    // Balancers stop sending new traffic once /readyz fails; until SHUTDOWN_DELAY ends, what they still send is served.
    drain.draining = true;
    if (config.shutdownDelay > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelay * 1000));
    drain.closing = true;
    clearInterval(recheck);
    unwatch();
    await retention.stop();
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
    await services.events.flush();
    await mail.stop();
    await services.apiTokens.flush();
    await services.events.flush();
    await services.audit.flush();
    await live.flush();
    await bus.close();
    await services.dpop.close();
    await store.close();
    await orm.close();
    if (metricsServer) await new Promise((resolve) => metricsServer!.server.close(resolve));
    await tracing?.shutdown().catch((err) => logger.warn('tracing: spans not sent at stop', { message: (err as Error).message }));
  };

  return {
    fastify: app,
    orm,
    services,
    logger,
    metrics,
    retention,
    metricsPort: () => metricsServer?.port ?? null,
    mailWorker: mail.worker,
    listen: async (port = config.port, host = config.host) => {
      await app.listen({ port, host });
      if (config.metrics.listener) metricsServer = await startMetricsServer(metrics, config.metrics.listener);
      retention.start();
      const { port: bound } = app.server.address() as AddressInfo;
      return `http://${host === '0.0.0.0' ? 'localhost' : host}:${bound}/graphql`;
    },
    stop: () => (stopping ??= stop()),
  };
}
