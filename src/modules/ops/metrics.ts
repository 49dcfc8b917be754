import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AuditRecord } from '../audit/audit.service';

/** Label values a client can influence are mapped onto a closed set before they reach a metric. */
export const OTHER = 'other';

/**
 * Every tokengate_* family, on one registry per app (tests run several apps in one process). Recording is a
 * method call with bounded labels; features that land later (mail outbox, DPoP) have theirs declared here.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly graphqlOperations: Counter<'type' | 'code' | 'operation'>;
  // Bounded: methods, route patterns, statuses, operation types, error codes and listed names are finite sets.
  private readonly httpSeries = new Map<string, { count: Counter.Internal; duration: Histogram.Internal<'method' | 'route' | 'status'> }>();
  private readonly graphqlSeries = new Map<string, Counter.Internal>();
  private readonly signIns: Counter<'method' | 'outcome'>;
  private readonly refreshRotations: Counter;
  private readonly refreshReuse: Counter;
  private readonly rateLimitRefusals: Counter<'limiter'>;
  private readonly argon2Wait: Histogram;
  private readonly liveLag: Histogram;
  private readonly cleanupRows: Counter<'table'>;
  private readonly mailDepth: Gauge;
  private readonly mailSent: Counter;
  private readonly mailFailed: Counter;
  private readonly dpopRefusals: Counter<'reason'>;

  constructor(sources: { argon2: () => { queued: number; running: number }; sockets: () => number; subscriptions: () => number }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({ name: 'tokengate_http_requests_total', help: 'HTTP requests answered, by route pattern and status.', labelNames: ['method', 'route', 'status'], registers });
    this.httpDuration = new Histogram({
      name: 'tokengate_http_request_duration_seconds',
      help: 'Time from request to response, by route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.graphqlOperations = new Counter({
      name: 'tokengate_graphql_operations_total',
      help: 'GraphQL operations over HTTP, by type, outcome code (OK when no error) and trusted-document operation name (else "other").',
      labelNames: ['type', 'code', 'operation'],
      registers,
    });
    this.signIns = new Counter({ name: 'tokengate_sign_ins_total', help: 'Sign-in attempts, by method (password, oidc) and outcome.', labelNames: ['method', 'outcome'], registers });
    this.refreshRotations = new Counter({ name: 'tokengate_refresh_rotations_total', help: 'Refresh tokens rotated into a new pair.', registers });
    this.refreshReuse = new Counter({ name: 'tokengate_refresh_reuse_detected_total', help: 'Spent refresh tokens presented again (the session is ended).', registers });
    this.rateLimitRefusals = new Counter({ name: 'tokengate_rate_limit_refusals_total', help: 'Requests refused by a rate limiter, by limiter.', labelNames: ['limiter'], registers });
    new Gauge({ name: 'tokengate_argon2_jobs_queued', help: 'Password hash jobs waiting for a slot.', registers, collect() { this.set(sources.argon2().queued); } });
    new Gauge({ name: 'tokengate_argon2_jobs_running', help: 'Password hash jobs running.', registers, collect() { this.set(sources.argon2().running); } });
    this.argon2Wait = new Histogram({ name: 'tokengate_argon2_wait_seconds', help: 'Time a password hash job waited for a slot.', buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers });
    new Gauge({ name: 'tokengate_websocket_sockets_open', help: 'Authenticated WebSockets open on this instance.', registers, collect() { this.set(sources.sockets()); } });
    new Gauge({ name: 'tokengate_subscriptions_active', help: 'GraphQL subscriptions running on this instance.', registers, collect() { this.set(sources.subscriptions()); } });
    this.liveLag = new Histogram({ name: 'tokengate_live_delivery_lag_seconds', help: 'Time from publishing a live event to its delivery on this instance.', buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers });
    this.cleanupRows = new Counter({ name: 'tokengate_cleanup_rows_removed_total', help: 'Rows the retention job deleted, by table.', labelNames: ['table'], registers });
    const depth = () => this.mailDepthSource;
    this.mailDepth = new Gauge({
      name: 'tokengate_mail_outbox_depth',
      help: 'Mails queued in the outbox, not yet sent.',
      registers,
      // Read at scrape time: one count of due and waiting rows, never on the request path.
      async collect() {
        const source = depth();
        if (source) this.set(await source().catch(() => 0));
      },
    });
    this.mailSent = new Counter({ name: 'tokengate_mail_sent_total', help: 'Mails handed to the channel.', registers });
    this.mailFailed = new Counter({ name: 'tokengate_mail_failed_total', help: 'Mails given up after MAIL_MAX_ATTEMPTS.', registers });
    this.dpopRefusals = new Counter({ name: 'tokengate_dpop_refusals_total', help: 'Requests refused for their DPoP proof, by reason.', labelNames: ['reason'], registers });
  }

  httpRequest(method: string, route: string | undefined, status: number, seconds: number): void {
    const m = HTTP_METHODS.has(method) ? method : OTHER;
    const r = route ?? 'unmatched';
    // The label children are looked up once per combination, not hashed from a labels object per request.
    const key = `${m} ${status} ${r}`;
    let series = this.httpSeries.get(key);
    if (!series) {
      const labels = { method: m, route: r, status: String(status) };
      series = { count: this.httpRequests.labels(labels), duration: this.httpDuration.labels(labels) };
      this.httpSeries.set(key, series);
    }
    series.count.inc();
    series.duration.observe(seconds);
  }

  graphqlOperation(type: string | undefined, code: string, operation: string): void {
    const key = `${type} ${code} ${operation}`;
    let series = this.graphqlSeries.get(key);
    if (!series) this.graphqlSeries.set(key, (series = this.graphqlOperations.labels({ type: type ?? 'unknown', code, operation })));
    series.inc();
  }

  /** Audit events are the seam: every sign-in, rotation and reuse already passes through it exactly once. */
  audit(record: AuditRecord): void {
    const detail = record.detail ?? {};
    const method = detail.method === 'oidc' ? 'oidc' : 'password';
    switch (record.type) {
      case 'LOGIN_SUCCEEDED':
        return void this.signIns.inc({ method, outcome: 'success' });
      // A password check inside changePassword or deleteAccount is not a sign-in.
      case 'LOGIN_FAILED':
        if (!detail.during) this.signIns.inc({ method, outcome: 'failed' });
        return;
      case 'LOGIN_LOCKED':
        return void this.signIns.inc({ method, outcome: 'locked' });
      case 'OIDC_REFUSED':
        return void this.signIns.inc({ method: 'oidc', outcome: 'refused' });
      case 'REFRESHED':
        return void this.refreshRotations.inc();
      case 'REFRESH_REUSED':
        return void this.refreshReuse.inc();
    }
  }

  rateLimited(limiter: string): void {
    this.rateLimitRefusals.inc({ limiter });
  }

  argon2Waited(seconds: number): void {
    this.argon2Wait.observe(seconds);
  }

  liveDelivered(lagSeconds: number): void {
    this.liveLag.observe(Math.max(0, lagSeconds));
  }

  cleanupRemoved(table: string, rows: number): void {
    if (rows > 0) this.cleanupRows.inc({ table }, rows);
  }

  /** Counts the outbox's unsent mail when /metrics is scraped (set where the outbox is known). */
  mailDepthSource?: () => Promise<number>;

  /** For the mail outbox worker: each send's result (depth may also be pushed). */
  mail(event: { depth: number } | { sent: true } | { failed: true }): void {
    if ('depth' in event) this.mailDepth.set(event.depth);
    else if ('sent' in event) this.mailSent.inc();
    else this.mailFailed.inc();
  }

  /** For DPoP verification: one call per refused proof, with its (closed set of) reason. */
  dpopRefused(reason: string): void {
    this.dpopRefusals.inc({ reason });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
