import type * as OpenId from 'openid-client' with { 'resolution-mode': 'import' };
import type { Logger } from '../../lib/logger';
import type { OidcProviderConfig } from './oidc.config';

// openid-client is ESM-only; Node ≥ 20.19 loads it with require(esm), which keeps this file CommonJS like the rest.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const openid = require('openid-client') as typeof OpenId;
export type ClientConfiguration = OpenId.Configuration;

export interface ProviderStatus {
  id: string;
  name: string;
  available: boolean;
}

export interface RetryPolicy {
  /** Seconds before the first retry after a failed discovery; doubled after each failure. */
  firstSeconds: number;
  /** Longest wait between retries. */
  maxSeconds: number;
  /** Timeout of each request to the provider (discovery, token, JWKS, userinfo). */
  timeoutSeconds: number;
}

interface Entry {
  config: OidcProviderConfig;
  client: ClientConfiguration | null;
  failures: number;
  timer?: NodeJS.Timeout;
}

const DEFAULT_RETRY: RetryPolicy = { firstSeconds: 1, maxSeconds: 60, timeoutSeconds: 10 };
/** The largest response read from a provider (discovery, JWKS, token, userinfo): real ones are a few kilobytes. */
export const MAX_PROVIDER_RESPONSE = 1024 * 1024;

/**
 * The configured providers and their discovered metadata. A provider whose discovery fails is reported
 * unavailable and retried in the background with a doubling delay; tokengate starts either way.
 */
export class OidcProviders {
  private readonly entries = new Map<string, Entry>();
  private stopped = false;

  constructor(configs: readonly OidcProviderConfig[], private readonly logger: Logger, private readonly retry: RetryPolicy = DEFAULT_RETRY) {
    for (const config of configs) this.entries.set(config.id, { config, client: null, failures: 0 });
  }

  /** Runs the first discovery of every provider (in parallel); failures are left to the background retries. */
  async start(): Promise<void> {
    await Promise.all([...this.entries.values()].map((entry) => this.discover(entry)));
  }

  stop(): void {
    this.stopped = true;
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
  }

  config(id: string): OidcProviderConfig | undefined {
    return this.entries.get(id)?.config;
  }

  /** The discovered client configuration, or null while the provider is unavailable. */
  client(id: string): ClientConfiguration | null {
    return this.entries.get(id)?.client ?? null;
  }

  list(): ProviderStatus[] {
    return [...this.entries.values()].map(({ config, client }) => ({ id: config.id, name: config.name, available: client !== null }));
  }

  private async discover(entry: Entry): Promise<void> {
    if (this.stopped) return;
    const { id, issuer } = entry.config;
    try {
      entry.client = await discovery(entry.config, this.retry.timeoutSeconds);
      entry.failures = 0;
      this.logger.info('oidc provider discovered', { provider: id, issuer });
    } catch (err) {
      if (this.stopped) return;
      const delay = Math.min(this.retry.maxSeconds, this.retry.firstSeconds * 2 ** entry.failures++);
      this.logger.warn('oidc provider discovery failed; it stays unavailable and is retried', {
        provider: id,
        issuer,
        error: describe(err),
        retryInSeconds: delay,
      });
      entry.timer = setTimeout(() => void this.discover(entry), delay * 1000).unref();
    }
  }
}

/**
 * Discovery with openid-client. Non-repudiation checks make it verify every ID token's signature with the
 * provider's JWKS (it would otherwise trust TLS alone), which also refuses `alg: none` and symmetric algorithms.
 */
function discovery(config: OidcProviderConfig, timeout: number): Promise<ClientConfiguration> {
  const execute = [openid.enableNonRepudiationChecks, ...(config.allowInsecure ? [openid.allowInsecureRequests] : [])];
  const metadata = config.clientSecret ? { client_secret: config.clientSecret } : undefined;
  // The configuration keeps this fetch for every later request to the provider (JWKS, token, userinfo).
  return openid.discovery(new URL(config.issuer), config.clientId, metadata, clientAuth(config.clientSecret), { execute, timeout, [openid.customFetch]: cappedFetch(MAX_PROVIDER_RESPONSE) });
}

/**
 * fetch that reads at most `limit` bytes of a body (a provider's 300 MB discovery document would otherwise be held
 * in memory whole) and refuses the response beyond it; openid-client's timeout signal covers the body read too.
 */
export function cappedFetch(limit: number): OpenId.CustomFetch {
  return async (url, options) => {
    const response = await fetch(url, options as RequestInit);
    const tooLarge = () => Object.assign(new Error(`response from ${new URL(url).host} is over ${limit} bytes`), { code: 'OIDC_RESPONSE_TOO_LARGE' });
    if (Number(response.headers.get('content-length')) > limit) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    if (!response.body || [101, 204, 205, 304].includes(response.status)) return response;
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
    return new Response(Buffer.concat(chunks), { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/**
 * A public client authenticates with nothing but PKCE; a confidential one with client_secret_basic (the default
 * of the specification), or client_secret_post when that is the only method the provider lists.
 */
function clientAuth(secret: string | null): OpenId.ClientAuth {
  if (!secret) return openid.None();
  const basic = openid.ClientSecretBasic(secret);
  const post = openid.ClientSecretPost(secret);
  return (as, client, body, headers) => {
    const methods = as.token_endpoint_auth_methods_supported;
    const postOnly = Array.isArray(methods) && !methods.includes('client_secret_basic') && methods.includes('client_secret_post');
    return (postOnly ? post : basic)(as, client, body, headers);
  };
}

/** An error as one log-safe line: openid-client's code and message and the underlying reason, never a response body. */
export function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const cause = err.cause instanceof Error && err.cause.message !== err.message ? ` (${err.cause.message})` : '';
  return (typeof code === 'string' ? `${code}: ` : '') + err.message + cause;
}
