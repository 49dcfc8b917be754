import { isIP } from 'node:net';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** The longest duration any setting takes: ten years, so every date computed from one stays valid. */
export const MAX_DURATION = 3650 * 86400;
/** The longest duration a timer can wait (setTimeout fires anything over 2^31-1 ms, about 24.8 days, at once): 24 days. */
export const MAX_TIMER_DURATION = 24 * 86400;

/** Seconds from "900", "900s", "15m", "12h" or "30d", from `min` to `max` seconds. */
export function parseDuration(name: string, raw: string | undefined, fallback: number, min = 1, max = MAX_DURATION): number {
  if (raw === undefined || raw === '') return fallback;
  const m = /^(\d+)\s*([smhd]?)$/.exec(raw.trim());
  const value = m ? Number(m[1]) * UNITS[m[2] || 's'] : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TypeError(`${name} must be a duration from ${formatSeconds(min)} to ${formatSeconds(max)} such as 900, 15m, 12h or 30d; got "${raw}"`);
  }
  return value;
}

/** 86400 → "1d", 90 → "90s": the largest unit that divides evenly. */
function formatSeconds(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
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

/** Most proxies (hops) TRUST_PROXY may count: more than really stand in front lets a client pick its address. */
export const MAX_TRUSTED_HOPS = 5;
const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * Fastify's trustProxy: off by default, so X-Forwarded-For is ignored unless a proxy is declared. Refused: values
 * that trust every address (true, a hop count over MAX_TRUSTED_HOPS, ranges wider than an IPv4 /8 or IPv6 /7)
 * and anything Fastify could not parse (which would otherwise fail the start with a stack trace).
 */
export function parseTrustProxy(raw: string | undefined): false | number | string {
  const text = raw?.trim() ?? '';
  if (text === '' || /^(false|0|no|off)$/i.test(text)) return false;
  if (/^(true|yes|on)$/i.test(text)) {
    // "true" trusts every hop, so any client could choose its own address (and its own rate-limit key).
    throw new TypeError('TRUST_PROXY=true trusts any client-supplied X-Forwarded-For; give the number of proxies (e.g. 1) or their addresses/CIDRs');
  }
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > MAX_TRUSTED_HOPS) throw new TypeError(`TRUST_PROXY must count 1 to ${MAX_TRUSTED_HOPS} proxies (more than stand in front lets clients pick their address); got "${raw}"`);
    return hops;
  }
  const entries = parseList(text);
  for (const entry of entries) checkProxyEntry(entry, raw!);
  return entries.join(',');
}

function checkProxyEntry(entry: string, raw: string): void {
  if (PROXY_NAMES.includes(entry)) return;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  const bits = family === 4 ? 32 : 128;
  const length = prefix === undefined ? bits : /^\d{1,3}$/.test(prefix) ? Number(prefix) : family === 4 && isIP(prefix) === 4 ? maskLength(prefix) : NaN;
  if (!family || rest.length || !(length >= 0 && length <= bits)) {
    throw new TypeError(`TRUST_PROXY must be a number of proxies, or addresses/CIDRs or loopback, linklocal, uniquelocal, comma-separated; "${entry}" is none of these (got "${raw}")`);
  }
  // IPv4-mapped (::ffff:0:0/96) and -compatible (::/96) ranges cover IPv4 clients, however the address is written:
  // held to the IPv4 bound (/8 is /104 there), and a range containing either whole block is refused.
  const widest = family === 4 ? 8 : coversIpv4(ipv6Value(address), length) ? 129 : 7;
  if (length < widest) {
    throw new TypeError(`TRUST_PROXY ranges may be at most an IPv4 /8 or IPv6 /7 (wider lets any client pick its address); got "${entry}"`);
  }
}

/** An IPv6 address (any spelling, an embedded IPv4 tail included) as a 128-bit number. */
function ipv6Value(address: string): bigint {
  let text = address.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) text = text.slice(0, v4.index) + ((+v4[1] << 8) | +v4[2]).toString(16) + ':' + ((+v4[3] << 8) | +v4[4]).toString(16);
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === null ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

/** Whether the range reaches IPv4 clients wider than a /8: it holds a whole mapped or compatible block, or an IPv4 range wider than /8 inside one. */
function coversIpv4(value: bigint, length: number): boolean {
  for (const block of [0xffffn << 32n, 0n]) {
    if (length <= 96 && value >> BigInt(128 - length) === block >> BigInt(128 - length)) return true;
    if (length > 96 && value >> 32n === block >> 32n && length < 104) return true;
  }
  return false;
}

/** 255.255.0.0 → 16; NaN for a mask that is not contiguous ones. */
function maskLength(mask: string): number {
  const value = mask.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const ones = value.toString(2).replace(/0+$/, '');
  return /^1*$/.test(ones) && value.toString(2).length === 32 ? ones.length : value === 0 ? 0 : NaN;
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
