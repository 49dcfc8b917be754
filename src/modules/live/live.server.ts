import { GraphQLError, getOperationAST, parse, specifiedRules, validate, type DocumentNode, type ExecutionResult, type GraphQLSchema, type ValidationRule } from 'graphql';
import type { Context as WsContext, ServerOptions, SubscribePayload } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/@fastify/websocket';
import type { Context } from '../../context';
import { graphqlUrl, proveBinding, readBearer } from '../../context';
import { AppError, QueryLimitError, RateLimitedError, ServiceUnavailableError, tokenLimitError } from '../../errors';
import { overBytes } from '../../http/graphql-limits';
import { DocumentCache } from '../../document-cache';
import type { ClientMeta } from '../session/session.service';
import { clientMeta } from '../../http/client-address';
import { TrustedDocumentError, type DocumentRequest, type TrustedDocuments } from '../../http/trusted-documents';
import { assertNoNul, NulCharacterError } from '../../lib/nul-bytes';
import { clientKey } from '../auth/rate-limit';
import { CLOSE } from './live.codes';
import { SocketContext, type SocketDeps } from './live.context';
import type { LiveSocket, SocketInspector, SocketRegistry } from './live.sockets';

/** Subscriptions are few and small: a smaller budget than HTTP's, counted the same way. */
const DOCUMENT_CACHE_BYTES = 8 * 1024 * 1024;

type Ctx = WsContext<Record<string, unknown> | undefined, Extra>;
type FormatError = (formatted: ReturnType<GraphQLError['toJSON']>, error: unknown) => ReturnType<GraphQLError['toJSON']>;

interface Options extends SocketDeps {
  schema: GraphQLSchema;
  registry: SocketRegistry;
  inspect: SocketInspector;
  validationRules: ValidationRule[];
  formatError: FormatError;
  trusted: TrustedDocuments | null;
}

interface Connection {
  auth: Context['auth'];
  meta: ClientMeta;
  socket?: LiveSocket;
  /** The address an anonymous socket is counted under. */
  anonymousIp?: string;
  /** Closes the socket once it has held no subscription for WS_IDLE_TIMEOUT. */
  idle?: NodeJS.Timeout;
  lastActive: number;
}

class OnlySubscriptionsError extends AppError {
  constructor() {
    super('Only subscriptions are served over WebSocket; send queries and mutations over HTTP.', 'BAD_REQUEST');
  }
}

class TooManySubscriptionsError extends AppError {
  constructor() {
    super('Too many subscriptions on this socket.', 'TOO_MANY_SUBSCRIPTIONS');
  }
}

/** graphql-ws server options: the same token check, limits and error masking as HTTP, which graphql-ws does not get from Apollo. */
export function liveServerOptions(opts: Options): ServerOptions<Record<string, unknown> | undefined, Extra> {
  const { schema, registry, config, services, formatError } = opts;
  const connections = new WeakMap<Ctx, Connection>();
  const rules = [...specifiedRules, ...opts.validationRules];
  // Parsed and validated once per distinct document: a thousand sockets with the same subscription share one AST.
  const documents = new DocumentCache(DOCUMENT_CACHE_BYTES);
  // formatError is the HTTP one: in production it already strips every suggestion.
  const format = (errors: readonly GraphQLError[]) => errors.map((e) => formatError(e.toJSON(), e));

  const idleMs = config.live.idleTimeoutSeconds * 1000;
  const active = (ctx: Ctx) => {
    const connection = connections.get(ctx);
    if (connection) connection.lastActive = Date.now();
  };
  // Checked when the timeout could have passed; a socket with a subscription (or one that just ended) waits again.
  const watchIdle = (ctx: Ctx, connection: Connection, delay = idleMs) => {
    connection.idle = setTimeout(() => {
      const quiet = Date.now() - connection.lastActive;
      if (Object.keys(ctx.subscriptions).length) watchIdle(ctx, connection);
      else if (quiet >= idleMs) ctx.extra.socket.close(CLOSE.idle, 'IDLE_TIMEOUT');
      else watchIdle(ctx, connection, idleMs - quiet);
    }, delay);
    connection.idle.unref();
  };

  return {
    schema,
    connectionInitWaitTimeout: 3000,
    async onConnect(ctx) {
      const { socket, request } = ctx.extra;
      const meta: ClientMeta = clientMeta(request);
      const { dpop } = services;
      let auth = readBearer(bearerFrom(ctx.connectionParams), (t) => services.tokens.verify(t), { dpopRequired: dpop.required, refuse: (r) => dpop.refuse(r) });
      // A DPoP token needs connectionParams.dpop: a fresh proof for GET on the /graphql URL, with ath.
      const proof = ctx.connectionParams?.dpop;
      try {
        auth = await proveBinding(auth, (token) => (typeof proof === 'string' && proof !== '' ? dpop.check({ proof, htm: 'GET', accessToken: token, url: graphqlUrl(request) }) : Promise.reject(dpop.refuse('DPOP_PROOF_INVALID', 'missing'))), dpop);
      } catch (err) {
        if (!(err instanceof ServiceUnavailableError)) throw err;
        socket.close(1013, 'SERVICE_UNAVAILABLE');
        return false;
      }
      const connection: Connection = { auth, meta, lastActive: Date.now() };
      connections.set(ctx, connection);
      if (auth.failure) {
        if (auth.failure !== 'TOKEN_MISSING') {
          socket.close(CLOSE.auth, auth.failure);
          return false;
        }
        // Anonymous: public subscriptions only, and a few sockets per address (IPv6 by /64, like the rate limits).
        const ip = clientKey(request.ip ?? 'unknown');
        if (!registry.addAnonymous(ip)) {
          socket.close(CLOSE.limit, 'TOO_MANY_SOCKETS');
          return false;
        }
        connection.anonymousIp = ip;
        watchIdle(ctx, connection);
        return true;
      }
      // A session's access token or an API token (connectionParams as over HTTP): the same checks, the same reasons.
      const now = await opts.inspect(auth, meta).catch((err) => (err instanceof RateLimitedError ? ('RATE_LIMITED' as const) : ('SERVICE_UNAVAILABLE' as const)));
      if (now === 'RATE_LIMITED' || now === 'SERVICE_UNAVAILABLE') {
        socket.close(now === 'RATE_LIMITED' ? CLOSE.limit : 1013, now);
        return false;
      }
      if (now.failure) {
        socket.close(CLOSE.auth, now.failure);
        return false;
      }
      const live: LiveSocket = { userId: now.userId, auth, meta, expiresAt: now.expiresAt, permissions: now.permissions, close: (code, reason) => socket.close(code, reason) };
      if (!registry.add(live)) {
        socket.close(CLOSE.limit, 'TOO_MANY_SOCKETS');
        return false;
      }
      connection.socket = live;
      watchIdle(ctx, connection);
      return true;
    },
    onClose(ctx) {
      const connection = connections.get(ctx);
      if (!connection) return;
      clearTimeout(connection.idle);
      if (connection.socket) registry.remove(connection.socket);
      if (connection.anonymousIp !== undefined) registry.removeAnonymous(connection.anonymousIp);
      connections.delete(ctx);
    },
    onComplete(ctx) {
      active(ctx);
    },
    onSubscribe(ctx, _id, payload: SubscribePayload) {
      active(ctx);
      if (Object.keys(ctx.subscriptions).length > config.live.maxSubscriptionsPerSocket) {
        ctx.extra.socket.close(CLOSE.limit, 'TOO_MANY_SUBSCRIPTIONS');
        return [new TooManySubscriptionsError()];
      }
      let query: string;
      try {
        // The same allow-list as HTTP: a subscribe message may name a trusted document or must carry one.
        query = (opts.trusted ? opts.trusted.resolve(payload as DocumentRequest) : payload.query) ?? '';
      } catch (err) {
        if (err instanceof TrustedDocumentError) return [err];
        throw err;
      }
      let document = documents.lookup(query);
      if (!document) {
        if (overBytes(query, config.graphqlLimits.maxDocumentBytes)) return [new QueryLimitError('DOCUMENT_BYTES', config.graphqlLimits.maxDocumentBytes)];
        try {
          document = parse(query, { maxTokens: config.graphqlLimits.maxTokens });
        } catch (err) {
          return [(err instanceof GraphQLError && tokenLimitError(err.message)) || withCode(err, 'GRAPHQL_PARSE_FAILED')];
        }
        const invalid = validate(schema, document, rules);
        if (invalid.length) return invalid.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
        documents.store(query, document);
      }
      try {
        assertNoNul(document, payload.variables);
      } catch (err) {
        if (err instanceof NulCharacterError) return [err];
        throw err;
      }
      const operation = getOperationAST(document, payload.operationName);
      if (!operation) return [new GraphQLError('Unable to identify the operation.', { extensions: { code: 'BAD_REQUEST' } })];
      if (operation.operation !== 'subscription') return [new OnlySubscriptionsError()];
      const { auth, meta, socket } = connections.get(ctx)!;
      return {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue: new SocketContext(opts, auth, meta, socket),
      };
    },
    onError: (ctx, _id, _payload, errors) => {
      active(ctx);
      return format(errors);
    },
    onNext: (_ctx, _id, _payload, _args, result: ExecutionResult) => (result.errors ? { ...result, errors: format(result.errors) } : undefined),
  };
}

/** connectionParams: { authorization: "Bearer …" | "DPoP …" } as over HTTP, or { accessToken } (Bearer). */
function bearerFrom(params: Record<string, unknown> | undefined): string | undefined {
  const header = params?.authorization ?? params?.Authorization;
  if (typeof header === 'string') return header;
  return typeof params?.accessToken === 'string' ? `Bearer ${params.accessToken}` : undefined;
}

/** Parse and validation errors keep Apollo's codes, so clients match the same codes on both transports. */
function withCode(err: unknown, code: string): GraphQLError {
  if (err instanceof AppError) return err; // our own limits, reported by a validation rule
  const e = err instanceof GraphQLError ? err : new GraphQLError(String(err));
  return new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, extensions: { ...e.extensions, code } });
}
