import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import { trace } from '@opentelemetry/api';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { FastifyOtelInstrumentation } from '@fastify/otel';

/** Required only when OTEL_EXPORTER_OTLP_ENDPOINT is set (tracing.boot.ts, app.ts). */
export interface Tracing {
  /** Request spans; registered on the Fastify instance before any route. */
  plugin: FastifyPluginCallback;
  traceId(request: FastifyRequest): string | undefined;
  /** Sends the spans still buffered. */
  shutdown(): Promise<void>;
}

let started: Tracing | undefined;

/**
 * OTLP/HTTP export (the exporter reads OTEL_EXPORTER_OTLP_ENDPOINT and the other OTEL_* variables itself),
 * W3C traceparent honoured. No span carries a value a client sent: GraphQL literals are masked and variables
 * left out (allowValues: false), and the request span's path drops the query string (OIDC codes, states).
 */
export function startTracing(): Tracing {
  if (started) return started;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME || 'tokengate' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  new GraphQLInstrumentation({ allowValues: false, ignoreTrivialResolveSpans: true, mergeItems: true });
  const fastify = new FastifyOtelInstrumentation({
    recordExceptions: false, // an exception's message may quote input; the status says enough
    instrumentHooks: false, // one span per request and handler, not one per Fastify hook
    requestHook: (span, request) => span.setAttribute('url.path', request.url.split('?', 1)[0]),
  });
  started = {
    plugin: fastify.plugin() as unknown as FastifyPluginCallback,
    traceId: (request) => {
      const span = (request as FastifyRequest & { opentelemetry?: () => { span?: ReturnType<typeof trace.getActiveSpan> } }).opentelemetry?.().span;
      return span?.spanContext().traceId;
    },
    shutdown: () => provider.shutdown(),
  };
  return started;
}
