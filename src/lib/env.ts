const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds from "900", "900s", "15m", "12h" or "30d". */
export function parseDuration(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined || raw === '') return fallback;
  const m = /^(\d+)\s*([smhd]?)$/.exec(raw.trim());
  const value = m ? Number(m[1]) * UNITS[m[2] || 's'] : NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`${name} must be a duration of at least ${min}s such as 900, 15m, 12h or 30d; got "${raw}"`);
  }
  return value;
}

export function parseIntIn(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TypeError(`${name} must be an integer from ${min} to ${max}; got "${raw}"`);
  }
  return value;
}

export function parseBool(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new TypeError(`${name} must be true or false; got "${raw}"`);
}

export function parseList(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 * 1024 };

/** A size such as 100kb or 1mb, in bytes (1kb = 1024 bytes). */
export function parseByteSize(name: string, raw: string | undefined, fallback: string): number {
  const text = (raw === undefined || raw === '' ? fallback : raw).trim().toLowerCase();
  const m = /^(\d+)(b|kb|mb)?$/.exec(text);
  const bytes = m ? Number(m[1]) * BYTE_UNITS[m[2] ?? ''] : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new TypeError(`${name} must be a size such as 100kb or 1mb; got "${raw}"`);
  return bytes;
}

/** Fastify's trustProxy: off by default, so X-Forwarded-For is ignored unless a proxy is declared. */
export function parseTrustProxy(raw: string | undefined): false | number | string {
  if (raw === undefined || raw === '' || /^(false|0|no|off)$/i.test(raw)) return false;
  if (/^(true|yes|on)$/i.test(raw)) {
    // "true" trusts every hop, so any client could choose its own address (and its own rate-limit key).
    throw new TypeError('TRUST_PROXY=true trusts any client-supplied X-Forwarded-For; give the number of proxies (e.g. 1) or their addresses/CIDRs');
  }
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw; // addresses, CIDRs or "loopback", "linklocal", "uniquelocal", comma-separated
}

export function parseLogLevel<T extends string>(raw: string | undefined, fallback: T): T {
  if (raw === undefined || raw === '') return fallback;
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(raw)) {
    throw new TypeError(`LOG_LEVEL must be debug, info, warn, error or silent; got "${raw}"`);
  }
  return raw as T;
}

export function parseEnum<T extends string>(name: string, raw: string | undefined, allowed: readonly T[], fallback: T): T {
  if (raw === undefined || raw === '') return fallback;
  if (!allowed.includes(raw as T)) throw new TypeError(`${name} must be one of ${allowed.join(', ')}; got "${raw}"`);
  return raw as T;
}

export function requireValue(name: string, raw: string | undefined, what: string): string {
  if (raw === undefined || raw === '') throw new TypeError(`${name} is required: ${what}`);
  return raw;
}

export function parseIdentifier(name: string, raw: string | undefined, fallback: string): string {
  if (raw === undefined || raw === '') return fallback;
  if (!/^[A-Za-z0-9_]{1,32}$/.test(raw)) throw new TypeError(`${name} must be 1 to 32 letters, digits or "_"; got "${raw}"`);
  return raw;
}

/** A connection URL fit for a message: the credentials are replaced. */
export const redactUrl = (url: string): string => url.replace(/\/\/[^@]*@/, '//***@');
