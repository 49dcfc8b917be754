import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../lib/clock';

/**
 * Server nonces (RFC 9449 §8) without state: a nonce is an HMAC of the current time window under a key
 * derived from the server secret, so every instance issues and accepts the same ones. A nonce is accepted
 * in its own window and the next, so it lives between one and two windows.
 */
export class NonceIssuer {
  private readonly key: Buffer;

  constructor(secret: Buffer, private readonly windowSeconds: number, private readonly clock: Clock) {
    this.key = createHmac('sha256', secret).update('tokengate dpop-nonce').digest();
  }

  /** The nonce to hand out now (DPoP-Nonce). */
  current(): string {
    return this.forWindow(this.window());
  }

  accepts(nonce: string): boolean {
    const w = this.window();
    return this.same(nonce, this.forWindow(w)) || this.same(nonce, this.forWindow(w - 1));
  }

  private window(): number {
    return Math.floor(this.clock.now().getTime() / 1000 / this.windowSeconds);
  }

  private forWindow(window: number): string {
    return createHmac('sha256', this.key).update(String(window)).digest('base64url');
  }

  private same(a: string, b: string): boolean {
    return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  }
}
