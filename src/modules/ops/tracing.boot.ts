/**
 * Imported first by src/index.ts: the GraphQL instrumentation must patch graphql before anything requires it.
 * Without OTEL_EXPORTER_OTLP_ENDPOINT nothing of OpenTelemetry is ever required (zero cost when off).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) (require('./tracing') as typeof import('./tracing')).startTracing();
