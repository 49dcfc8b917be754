import type { FastifyRequest } from 'fastify';
import { normalizeIp } from '../lib/address';
import type { ClientMeta } from '../modules/session/session.service';

let warned = false;

/**
 * The client's address, normalised (one spelling per address). With TRUST_PROXY, a forwarded address that is
 * not an IP (`X-Forwarded-For: unknown`) falls back to the peer the request came from (the proxy, so such
 * clients share its limits), never to no address; the first such request is logged.
 */
export function clientAddress(request: FastifyRequest): string | null {
  const forwarded = normalizeIp(request.ip);
  if (forwarded) return forwarded;
  const peer = normalizeIp(request.socket?.remoteAddress);
  if (!warned) {
    warned = true;
    request.log.warn({ forwarded: String(request.ip).slice(0, 64), peer }, 'client address is not an IP: limiting by the connecting peer (logged once)');
  }
  return peer;
}

export const clientMeta = (request: FastifyRequest): ClientMeta => ({ ip: clientAddress(request), userAgent: request.headers['user-agent']?.slice(0, 512) ?? null });
