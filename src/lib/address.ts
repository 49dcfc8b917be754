import { isIPv4, isIPv6 } from 'node:net';

/** `::ffff:a.b.c.d` / `::a.b.c.d` once canonical (the last 32 bits in hex); `::1` and `::` stay IPv6. */
const EMBEDDED_V4 = /^::(?:ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/**
 * One spelling per address, so a client lands in one rate-limit bucket however its address is written:
 * IPv4-mapped and IPv4-compatible IPv6 become the IPv4 address, other IPv6 the RFC 5952 form (lower case,
 * longest zero run compressed; WHATWG URL's serializer), zone ids dropped. Null for anything that is not an IP.
 */
export function normalizeIp(raw: string | null | undefined): string | null {
  if (!raw) return null;
  if (isIPv4(raw)) return raw;
  const address = raw.replace(/%.*$/, '');
  if (!isIPv6(address)) return null;
  const canonical = new URL(`http://[${address}]`).hostname.slice(1, -1);
  const v4 = EMBEDDED_V4.exec(canonical);
  if (!v4) return canonical;
  const [high, low] = [parseInt(v4[1], 16), parseInt(v4[2], 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}
