import { GraphQLError, getOperationAST, parse, specifiedRules, validate, type DocumentNode, type ExecutionResult, type GraphQLSchema, type ValidationRule } from 'graphql';
import type { Context as WsContext, ServerOptions, SubscribePayload } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/@fastify/websocket';
import { isIP } from 'node:net';
import type { Context } from '../../context';
import { graphqlUrl, proveBinding, readBearer } from '../../context';
import { AppError, RateLimitedError, ServiceUnavailableError } from '../../errors';
import type { ClientMeta } from '../session/session.service';
import { TrustedDocumentError, type DocumentRequest, type TrustedDocuments } from '../../http/trusted-documents';
import { CLOSE } from './live.codes';
import { SocketContext, type SocketDeps } from './live.context';
import type { LiveSocket, SocketInspector, SocketRegistry } from './live.sockets';

const DOCUMENT_CACHE = 500;

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
  const documents = new Map<string, DocumentNode>();
  const format = (errors: readonly GraphQLError[]) => errors.map((e) => hideSuggestions(formatError(e.toJSON(), e)));
  const hideSuggestions = <T extends { message: string }>(e: T): T =>
    config.env === 'production' ? { ...e, message: e.message.replace(/ ?Did you mean .*\?$/, '') } : e;

  return {
    schema,
    connectionInitWaitTimeout: 3000,
    async onConnect(ctx) {
      const { socket, request } = ctx.extra;
      const meta: ClientMeta = { ip: isIP(request.ip) ? request.ip : null, userAgent: request.headers['user-agent']?.slice(0, 512) ?? null };
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
      connections.set(ctx, { auth, meta });
      if (auth.failure) {
        if (auth.failure === 'TOKEN_MISSING') return true; // anonymous: public subscriptions only
        socket.close(CLOSE.auth, auth.failure);
        return false;
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
      connections.get(ctx)!.socket = live;
      return true;
    },
    onClose(ctx) {
      const socket = connections.get(ctx)?.socket;
      if (socket) registry.remove(socket);
    },
    onSubscribe(ctx, _id, payload: SubscribePayload) {
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
      let document = documents.get(query);
      if (!document) {
        try {
          document = parse(query, { maxTokens: config.graphqlLimits.maxTokens });
        } catch (err) {
          return [withCode(err, 'GRAPHQL_PARSE_FAILED')];
        }
        const invalid = validate(schema, document, rules);
        if (invalid.length) return invalid.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
        if (documents.size >= DOCUMENT_CACHE) documents.delete(documents.keys().next().value!);
        documents.set(query, document);
      }
      const operation = getOperationAST(document, payload.operationName);
      if (!operation) return [new GraphQLError('Unable to identify the operation.', { extensions: { code: 'BAD_REQUEST' } })];
      if (operation.operation !== 'subscription') return [new OnlySubscriptionsError()];
      const { auth, meta } = connections.get(ctx)!;
      return {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue: new SocketContext(opts, auth, meta),
      };
    },
    onError: (_ctx, _id, _payload, errors) => format(errors),
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
  const e = err instanceof GraphQLError ? err : new GraphQLError(String(err));
  return new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, extensions: { ...e.extensions, code } });
}
