import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MAX_TIMER_DURATION, parseBool, parseByteSize, parseDuration, parseEnum, parseIdentifier, parseIntIn, parseList, parseLogLevel, parseTrustProxy, redactUrl, requireValue } from './lib/env';
import type { LogLevel } from './lib/logger';
import { ensurePrivateDir } from './lib/private-files';
import { TrustedDocuments } from './http/trusted-documents';
import { asymmetricKeyRing, JWT_ALGORITHMS, symmetricKeyRing, type JwtAlgorithm, type KeyRing } from './modules/auth/keys';
import { parseOidcConfig, type OidcConfig } from './modules/oidc/oidc.config';
import { parseEmailConfig, parseMailConfig, type EmailConfig, type MailConfig } from './modules/mail/mail.config';
import { parseMfaConfig, type MfaConfig } from './modules/mfa/mfa.config';

export type DatabaseConfig =
  | { kind: 'sqlite'; file: string; synchronous?: 'FULL' | 'NORMAL' }
  | { kind: 'postgresql'; url: string; poolMax: number; statementTimeoutMs: number };

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  dataDir: string;
  database: DatabaseConfig;
  jwt: {
    /** Server secret: the HS256 key, and always the root of the grace-window sealing key. */
    secret: Buffer;
    algorithm: JwtAlgorithm;
    keys: KeyRing;
    issuer: string;
    audience: string;
    accessTtl: number;
    maxLifetime: number;
    clockTolerance: number;
  };
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  session: {
    refreshTtl: number;
    idleTtl: number;
    graceSeconds: number;
    freshLoginWindow: number;
    /** Live sessions one account may hold; the oldest ends when a login would pass it. */
    maxPerUser: number;
    cookie: { enabled: boolean; secure: boolean; name: string; path: string };
  };
  /** Attempts allowed per window (seconds), and how long (seconds) a spent key stays locked. */
  rateLimits: Record<'loginAccount' | 'loginIp' | 'loginSuccessIp' | 'register' | 'refresh' | 'websocket' | 'oidcStart' | 'oidcCallback' | 'oidcExchange' | 'apiTokenIp' | 'emailAddress' | 'emailIp', { points: number; duration: number; block: number }>;
  rateLimitStore: 'auto' | 'memory' | 'redis' | 'database';
  /** Namespace of the counters, so deployments can share one Redis or database. */
  rateLimitPrefix: string;
  redisUrl: string | null;
  corsOrigins: string[];
  /** Per document (bytes of query text, comments included; tokens; depth; aliases; directives; cost) and per answer (bytes). */
  graphqlLimits: { maxDocumentBytes: number; maxDepth: number; maxAliases: number; maxDirectives: number; maxTokens: number; maxCost: number; maxResponseBytes: number };
  introspection: boolean;
  landingPage: boolean;
  /** The web app (web/dist) at /app, and its GraphQL explorer at /app/explorer (which needs the app). */
  web: { app: boolean; explorer: boolean };
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  trustProxy: false | number | string;
  /**
   * WebSocket subscriptions: per-socket, per-user and per-address for anonymous sockets (per instance) limits,
   * how long a socket may hold no subscription, and how often open sockets re-check their session.
   */
  live: { maxSubscriptionsPerSocket: number; maxSocketsPerUser: number; maxAnonymousSocketsPerIp: number; idleTimeoutSeconds: number; recheckSeconds: number };
  /** The allow-list from TRUSTED_DOCUMENTS (manifests read and checked at start), or null. */
  trustedDocuments: TrustedDocuments | null;
  /** Seconds a graceful stop waits for in-flight requests before cutting them. */
  shutdownTimeout: number;
  logLevel: LogLevel;
  /** Sign-in with OpenID Connect providers: PUBLIC_URL, OIDC_PROVIDERS and OIDC_<ID>_* (docs/oidc.md). */
  oidc: OidcConfig;
  /** Sender-constrained tokens (RFC 9449, docs/dpop.md). */
  dpop: {
    /** optional: tokens are bound when the client sends a proof; required: bearer access tokens are refused. */
    mode: 'optional' | 'required';
    /** Seconds a proof's iat may lie in the past (JWT_CLOCK_TOLERANCE is added on both sides). */
    maxAge: number;
    /** Server nonces (RFC 9449 §8): every proof must carry a recent DPoP-Nonce. */
    nonce: boolean;
    /** The /graphql URL under PUBLIC_URL that every proof's htu must name; null without PUBLIC_URL (the request's own URL). */
    htu: string | null;
  };
  /** Seconds /readyz answers 503 while the server still serves, after SIGTERM and before it stops accepting. */
  shutdownDelay: number;
  /**
   * GET /metrics: on a listener of its own (METRICS_PORT, on METRICS_HOST), and/or on the main port behind
   * METRICS_TOKEN; outside production with neither set, open on the main port; in production then off.
   */
  metrics: { listener: { host: string; port: number } | null; token: string | null; onMainPort: boolean };
  /** OTLP/HTTP traces when OTEL_EXPORTER_OTLP_ENDPOINT is set (started in src/modules/ops/tracing.boot.ts, before anything loads graphql). */
  tracing: { endpoint: string | null };
  /** The retention job (docs/operations.md#retention); durations in seconds, 0 keeps the rows for ever. */
  cleanup: { interval: number; batch: number; grace: number; auditRetention: number; mailRetention: number };
  /** The mail path: SMTP_URL, MAIL_FROM, MAIL_MAX_ATTEMPTS, MAIL_POLL_INTERVAL (docs/email.md). */
  mail: MailConfig;
  /** E-mail on accounts: REQUIRE_EMAIL, REQUIRE_EMAIL_VERIFICATION and the link lifetimes. */
  email: EmailConfig;
  /** Second factors: MFA_REQUIRED_FOR and the passkey relying party (docs/mfa.md). */
  mfa: MfaConfig;
}

const HOW_TO_MAKE_SECRET =
  "generate one with: node -e \"console.log(require('crypto').randomBytes(48).toString('base64url'))\"";

/** Parses and validates the environment once; throws a TypeError that says how to fix a bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv = env.NODE_ENV === 'production' || env.NODE_ENV === 'test' ? env.NODE_ENV : 'development';
  // An empty NODE_ENV is refused rather than read as development (a production unit with NODE_ENV= would lose its protections).
  if (env.NODE_ENV !== undefined && !['production', 'test', 'development'].includes(env.NODE_ENV)) {
    throw new TypeError(`NODE_ENV must be development, production or test, got "${env.NODE_ENV}"`);
  }
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const accessTtl = parseDuration('ACCESS_TOKEN_TTL', env.ACCESS_TOKEN_TTL, 15 * 60);
  const prod = nodeEnv === 'production';
  const secret = loadSecret(env.JWT_SECRET, nodeEnv, dataDir);
  const algorithm = parseEnum('JWT_ALGORITHM', env.JWT_ALGORITHM, JWT_ALGORITHMS, 'HS256');
  const oidc = parseOidcConfig(env, nodeEnv, parseIntIn('PORT', env.PORT, 4000, 0, 65535));
  const cookieSecure = parseBool('REFRESH_COOKIE_SECURE', env.REFRESH_COOKIE_SECURE, nodeEnv !== 'development');
  const config: Config = {
    env: nodeEnv,
    host: parseHost(env.HOST),
    port: parseIntIn('PORT', env.PORT, 4000, 0, 65535),
    dataDir,
    database: parseDatabaseUrl(env, dataDir),
    jwt: {
      secret,
      algorithm,
      keys: algorithm === 'HS256' ? symmetricKeyRing(secret) : asymmetricKeyRing(algorithm, requireValue('JWT_PRIVATE_KEY_FILE', env.JWT_PRIVATE_KEY_FILE, 'a PEM private key for ' + algorithm), parseList(env.JWT_VERIFY_KEY_FILES)),
      issuer: parseClaimValue('JWT_ISSUER', env.JWT_ISSUER),
      audience: parseClaimValue('JWT_AUDIENCE', env.JWT_AUDIENCE),
      accessTtl,
      maxLifetime: parseDuration('JWT_MAX_LIFETIME', env.JWT_MAX_LIFETIME, Math.max(accessTtl, 15 * 60)),
      // Skew allowance only: beyond minutes it would keep expired tokens alive.
      clockTolerance: parseDuration('JWT_CLOCK_TOLERANCE', env.JWT_CLOCK_TOLERANCE, 30, 0, 5 * 60),
    },
    argon2: {
      memoryCost: parseIntIn('ARGON2_MEMORY_KIB', env.ARGON2_MEMORY_KIB, 19456, 1024, 4 * 1024 * 1024),
      timeCost: parseIntIn('ARGON2_TIME_COST', env.ARGON2_TIME_COST, 2, 1, 100),
      parallelism: parseIntIn('ARGON2_PARALLELISM', env.ARGON2_PARALLELISM, 1, 1, 16),
    },
    session: {
      refreshTtl: parseDuration('REFRESH_TOKEN_TTL', env.REFRESH_TOKEN_TTL, 30 * 86400),
      idleTtl: parseDuration('REFRESH_IDLE_TTL', env.REFRESH_IDLE_TTL, 7 * 86400),
      // A window for a lost answer's retry, during which a stolen predecessor also works: seconds, not days.
      graceSeconds: parseDuration('REFRESH_GRACE_PERIOD', env.REFRESH_GRACE_PERIOD, 10, 0, 60),
      freshLoginWindow: parseDuration('FRESH_LOGIN_WINDOW', env.FRESH_LOGIN_WINDOW, 600),
      maxPerUser: parseIntIn('SESSION_MAX_PER_USER', env.SESSION_MAX_PER_USER, 50, 1, 10_000),
      cookie: {
        enabled: parseBool('REFRESH_COOKIE', env.REFRESH_COOKIE, false),
        secure: cookieSecure,
        // __Secure- keeps the cookie host-only and HTTPS-only while allowing a scoped path.
        name: cookieSecure ? '__Secure-tokengate-refresh' : 'tokengate-refresh',
        path: '/graphql',
      },
    },
    rateLimits: {
      loginAccount: rule(env, 'LOGIN_ACCOUNT', 100, 3600, 0),
      loginIp: rule(env, 'LOGIN_IP', 10, 60, 300),
      // Correct passwords per client: generous, but no client keeps the password-hash pool busy for everyone.
      loginSuccessIp: rule(env, 'LOGIN_SUCCESS_IP', 60, 60, 0),
      register: rule(env, 'REGISTER_IP', 30, 600, 0),
      refresh: rule(env, 'REFRESH_IP', 600, 60, 0),
      websocket: rule(env, 'WS_IP', 60, 60, 0),
      oidcStart: rule(env, 'OIDC_START_IP', 30, 60, 0),
      oidcCallback: rule(env, 'OIDC_CALLBACK_IP', 30, 60, 0),
      oidcExchange: rule(env, 'OIDC_EXCHANGE_IP', 30, 60, 0),
      // Unknown API tokens per client: counted on failure only, locked like login.
      apiTokenIp: rule(env, 'API_TOKEN_IP', 10, 60, 300),
      // Mails asked for (reset, verification, address change): per address (known or not) and per client.
      emailAddress: rule(env, 'EMAIL_ADDRESS', 5, 3600, 0),
      emailIp: rule(env, 'EMAIL_IP', 20, 3600, 0),
    },
    live: {
      maxSubscriptionsPerSocket: parseIntIn('WS_MAX_SUBSCRIPTIONS', env.WS_MAX_SUBSCRIPTIONS, 20, 1, 1000),
      maxSocketsPerUser: parseIntIn('WS_MAX_SOCKETS_PER_USER', env.WS_MAX_SOCKETS_PER_USER, 10, 1, 10000),
      maxAnonymousSocketsPerIp: parseIntIn('WS_MAX_ANONYMOUS_SOCKETS_PER_IP', env.WS_MAX_ANONYMOUS_SOCKETS_PER_IP, 20, 1, 10000),
      idleTimeoutSeconds: parseIdleTimeout(env.WS_IDLE_TIMEOUT),
      recheckSeconds: parseDuration('SUBSCRIPTION_RECHECK', env.SUBSCRIPTION_RECHECK, 60, 1, 86400),
    },
    rateLimitStore: parseEnum('RATE_LIMIT_STORE', env.RATE_LIMIT_STORE, ['auto', 'memory', 'redis', 'database'] as const, 'auto'),
    rateLimitPrefix: parseIdentifier('RATE_LIMIT_PREFIX', env.RATE_LIMIT_PREFIX, 'tg'),
    redisUrl: env.REDIS_URL || null,
    corsOrigins: parseCorsOrigins(env.CORS_ORIGINS),
    graphqlLimits: {
      maxDepth: parseIntIn('GRAPHQL_MAX_DEPTH', env.GRAPHQL_MAX_DEPTH, 12, 1, 1000),
      maxAliases: parseIntIn('GRAPHQL_MAX_ALIASES', env.GRAPHQL_MAX_ALIASES, 30, 0, 10000),
      maxDirectives: parseIntIn('GRAPHQL_MAX_DIRECTIVES', env.GRAPHQL_MAX_DIRECTIVES, 20, 0, 10000),
      maxTokens: parseIntIn('GRAPHQL_MAX_TOKENS', env.GRAPHQL_MAX_TOKENS, 2000, 100, 1_000_000),
      maxCost: parseIntIn('GRAPHQL_MAX_COST', env.GRAPHQL_MAX_COST, 5000, 1, 10_000_000),
      maxDocumentBytes: parseByteSize('GRAPHQL_MAX_DOCUMENT_BYTES', env.GRAPHQL_MAX_DOCUMENT_BYTES, '32kb'),
      maxResponseBytes: parseByteSize('GRAPHQL_MAX_RESPONSE_BYTES', env.GRAPHQL_MAX_RESPONSE_BYTES, '1mb'),
    },
    introspection: parseBool('GRAPHQL_INTROSPECTION', env.GRAPHQL_INTROSPECTION, !prod),
    landingPage: parseBool('GRAPHQL_LANDING_PAGE', env.GRAPHQL_LANDING_PAGE, !prod),
    web: parseWeb(env, prod),
    bodyLimit: parseByteSize('BODY_LIMIT', env.BODY_LIMIT, '100kb'),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    trustedDocuments: parseTrustedDocuments(env),
    shutdownTimeout: parseDuration('SHUTDOWN_TIMEOUT', env.SHUTDOWN_TIMEOUT, 10, 0, 3600),
    logLevel: parseLogLevel(env.LOG_LEVEL, nodeEnv === 'test' ? 'silent' : 'info'),
    oidc,
    dpop: {
      mode: parseEnum('DPOP', env.DPOP, ['optional', 'required'] as const, 'optional'),
      maxAge: parseDuration('DPOP_MAX_AGE', env.DPOP_MAX_AGE, 60),
      nonce: parseBool('DPOP_NONCE', env.DPOP_NONCE, false),
      htu: env.PUBLIC_URL ? `${oidc.publicUrl}/graphql` : null,
    },
    shutdownDelay: parseDuration('SHUTDOWN_DELAY', env.SHUTDOWN_DELAY, 0, 0, 3600),
    metrics: parseMetrics(env, prod),
    tracing: { endpoint: parseOtlpEndpoint(env.OTEL_EXPORTER_OTLP_ENDPOINT) },
    cleanup: {
      interval: parseDuration('CLEANUP_INTERVAL', env.CLEANUP_INTERVAL, 3600, 0, MAX_TIMER_DURATION),
      batch: parseIntIn('CLEANUP_BATCH', env.CLEANUP_BATCH, 500, 1, 10_000),
      grace: parseDuration('CLEANUP_GRACE', env.CLEANUP_GRACE, 86400, 0),
      auditRetention: parseDuration('AUDIT_RETENTION', env.AUDIT_RETENTION, 365 * 86400, 0),
      mailRetention: parseDuration('MAIL_RETENTION', env.MAIL_RETENTION, 30 * 86400, 0),
    },
    mail: parseMailConfig(env, nodeEnv, dataDir),
    email: parseEmailConfig(env),
    mfa: parseMfaConfig(env, oidc.publicUrl),
  };
  if (config.jwt.maxLifetime < accessTtl) {
    throw new TypeError('JWT_MAX_LIFETIME must be at least ACCESS_TOKEN_TTL, or freshly issued tokens would be refused');
  }
  // A long window keeps every replay-cache entry (and a stolen proof) alive that long.
  if (config.dpop.maxAge > 3600) throw new TypeError(`DPOP_MAX_AGE must be at most 1h (3600s); got "${env.DPOP_MAX_AGE}"`);
  if (config.rateLimitStore === 'redis' && !config.redisUrl) throw new TypeError('RATE_LIMIT_STORE=redis needs REDIS_URL');
  if (config.rateLimitStore === 'database' && config.database.kind !== 'postgresql') {
    throw new TypeError('RATE_LIMIT_STORE=database needs a PostgreSQL DATABASE_URL; SQLite runs a single instance, use memory');
  }
  return Object.freeze(config);
}

/** HOST: unset listens on every interface; an empty value is a mistake, not a wish for the same. */
function parseHost(raw: string | undefined): string {
  if (raw === undefined) return '0.0.0.0';
  if (raw.trim() === '' || raw.trim() !== raw) throw new TypeError(`HOST must be an address to listen on such as 127.0.0.1 or 0.0.0.0 (unset: 0.0.0.0); got "${raw}"`);
  return raw;
}

/** JWT_ISSUER / JWT_AUDIENCE: an empty value would switch that claim's check off, so it is refused. */
function parseClaimValue(name: string, raw: string | undefined): string {
  if (raw === undefined) return 'tokengate';
  if (raw.trim() === '' || raw.trim() !== raw) throw new TypeError(`${name} must be a non-empty value without surrounding spaces (unset: tokengate); got "${raw}"`);
  return raw;
}

/** "*" would allow every site and "null" every sandboxed iframe or file: page, each with credentials. */
function parseCorsOrigins(raw: string | undefined): string[] {
  const origins = parseList(raw);
  if (origins.includes('*')) throw new TypeError('CORS_ORIGINS may not contain "*": list each origin that may call the API with credentials');
  if (origins.some((o) => o.toLowerCase() === 'null')) {
    throw new TypeError('CORS_ORIGINS may not contain "null" (the origin of sandboxed iframes and file: pages): list each origin that may call the API with credentials');
  }
  return origins;
}

/** RATE_<NAME>_MAX attempts per RATE_<NAME>_WINDOW, then locked for RATE_<NAME>_BLOCK (0: until the window ends). */
function rule(env: NodeJS.ProcessEnv, name: string, points: number, duration: number, block: number) {
  return {
    points: parseIntIn(`RATE_${name}_MAX`, env[`RATE_${name}_MAX`], points, 1, 1_000_000_000),
    // The memory store expires keys with timers, which cannot wait longer than MAX_TIMER_DURATION.
    duration: parseDuration(`RATE_${name}_WINDOW`, env[`RATE_${name}_WINDOW`], duration, 1, MAX_TIMER_DURATION),
    block: parseDuration(`RATE_${name}_BLOCK`, env[`RATE_${name}_BLOCK`], block, 0, MAX_TIMER_DURATION),
  };
}

/** METRICS_PORT and METRICS_TOKEN; with neither, /metrics is open on the main port outside production and off in it. */
function parseMetrics(env: NodeJS.ProcessEnv, prod: boolean): Config['metrics'] {
  const port = env.METRICS_PORT ? parseIntIn('METRICS_PORT', env.METRICS_PORT, 0, 0, 65535) : null;
  const token = env.METRICS_TOKEN || null;
  if (token !== null && token.length < 16) throw new TypeError(`METRICS_TOKEN must be at least 16 characters (got ${token.length}); ${HOW_TO_MAKE_SECRET}`);
  const host = env.METRICS_HOST || '127.0.0.1';
  return { listener: port === null ? null : { host, port }, token, onMainPort: token !== null || (port === null && !prod) };
}

function parseOtlpEndpoint(raw: string | undefined): string | null {
  if (!raw) return null;
  if (!/^https?:\/\/[^\s]+$/i.test(raw)) throw new TypeError(`OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://collector:4318; got "${redactUrl(raw)}"`);
  return raw;
}

/** WEB_APP and EXPLORER: on outside production; the explorer is a page of the app, so it needs the app. */
function parseWeb(env: NodeJS.ProcessEnv, prod: boolean): Config['web'] {
  const app = parseBool('WEB_APP', env.WEB_APP, !prod);
  const explorer = parseBool('EXPLORER', env.EXPLORER, !prod);
  if (explorer && !app && env.EXPLORER) {
    throw new TypeError('EXPLORER=true needs WEB_APP=true: the explorer is a page of the web app at /app/explorer');
  }
  return { app, explorer: app && explorer };
}

/** Manifests are read and every entry re-hashed now, so a bad file stops the start with a message. */
function parseTrustedDocuments(env: NodeJS.ProcessEnv): TrustedDocuments | null {
  const paths = parseList(env.TRUSTED_DOCUMENTS).map((p) => resolve(p));
  const only = parseBool('TRUSTED_DOCUMENTS_ONLY', env.TRUSTED_DOCUMENTS_ONLY, false);
  if (only && !paths.length) {
    throw new TypeError('TRUSTED_DOCUMENTS_ONLY=true needs TRUSTED_DOCUMENTS: the manifest (or comma-separated manifests) of allowed documents');
  }
  return paths.length ? new TrustedDocuments(paths, only) : null;
}

function parseDatabaseUrl(env: NodeJS.ProcessEnv, dataDir: string): DatabaseConfig {
  const raw = env.DATABASE_URL;
  const sqlite = (file: string): DatabaseConfig => {
    const synchronous = parseEnum('SQLITE_SYNCHRONOUS', env.SQLITE_SYNCHRONOUS, ['FULL', 'NORMAL'] as const, 'FULL');
    return { kind: 'sqlite', file, ...(synchronous === 'NORMAL' ? { synchronous } : {}) };
  };
  if (!raw) return sqlite(join(dataDir, 'tokengate.sqlite'));
  if (/^postgres(ql)?:\/\//i.test(raw)) {
    return {
      kind: 'postgresql',
      url: raw,
      poolMax: parseIntIn('DATABASE_POOL_MAX', env.DATABASE_POOL_MAX, 10, 1, 1000),
      statementTimeoutMs: parseDuration('DATABASE_STATEMENT_TIMEOUT', env.DATABASE_STATEMENT_TIMEOUT, 5, 1, 3600) * 1000,
    };
  }
  const m = /^(?:sqlite|file):(.+)$/i.exec(raw);
  if (m) return sqlite(m[1] === ':memory:' ? ':memory:' : resolve(m[1]));
  throw new TypeError(
    `DATABASE_URL must be sqlite:<path>, sqlite::memory: or postgres://user@host:port/db, got "${redactUrl(raw)}"`,
  );
}

function loadSecret(raw: string | undefined, env: Config['env'], dataDir: string): Buffer {
  if (raw !== undefined) {
    const secret = Buffer.from(raw, 'utf8');
    if (secret.length < 32) {
      throw new TypeError(`JWT_SECRET must be at least 32 bytes (got ${secret.length}); ${HOW_TO_MAKE_SECRET}`);
    }
    // 48 spaces are 48 bytes and no secret; surrounding whitespace is a quoting slip that would also differ between instances.
    if (raw.trim() !== raw) throw new TypeError(`JWT_SECRET must not be blank or start or end with whitespace; ${HOW_TO_MAKE_SECRET}`);
    return secret;
  }
  if (env === 'production') {
    throw new TypeError(`JWT_SECRET is required when NODE_ENV=production; ${HOW_TO_MAKE_SECRET}`);
  }
  // Development keeps a generated secret in the data folder so restarts keep tokens valid.
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    ensurePrivateDir(dataDir); // 0700: under umask 000 another user could otherwise replace the secret
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
  if (secret.length < 32) throw new TypeError(`${file} holds a secret shorter than 32 bytes; delete it to have a new one generated`);
  return secret;
}

/** WS_IDLE_TIMEOUT: 1 s to 1 day, so its timer can never overflow. */
function parseIdleTimeout(raw: string | undefined): number {
  const seconds = parseDuration('WS_IDLE_TIMEOUT', raw, 60);
  if (seconds > 86_400) throw new TypeError(`WS_IDLE_TIMEOUT must be at most 1d; got "${raw}"`);
  return seconds;
}
