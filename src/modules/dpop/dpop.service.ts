import { createHash } from 'node:crypto';
import type { Config } from '../../config';
import { epochSeconds, type Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { ServiceUnavailableError, UnauthenticatedError, type DpopFailure } from '../../errors';
import { NonceIssuer } from './dpop.nonce';
import { ProofError, ProofVerifier } from './dpop.proof';
import type { ReplayCache } from './dpop.replay';

/** What a request presents: the DPoP header, its method, and the access token the proof must be bound to. */
export interface ProofRequest {
  proof: string;
  htm: string;
  accessToken?: string;
  /** The request's own /graphql URL as Fastify sees it: the htu only when PUBLIC_URL is not set. */
  url: string;
}

/** `detail` names the failed check (htu, ath, iat window, a jose code) for a log or a counter's label; never a secret. */
export type RefusalListener = (reason: DpopFailure, detail?: string) => void;

/**
 * The proof check of RFC 9449 §4.3, off the database: one signature verification (jose) and one write to the
 * replay cache shared by every instance. Refusals are UNAUTHENTICATED with a DPOP_* reason.
 */
export class DpopService {
  private readonly verifier = new ProofVerifier();
  private readonly nonces: NonceIssuer | null;
  private readonly listeners: RefusalListener[] = [];

  constructor(private readonly cfg: Config['dpop'], private readonly tolerance: number, secret: Buffer, private readonly replay: ReplayCache, private readonly clock: Clock, private readonly logger: Logger) {
    this.nonces = cfg.nonce ? new NonceIssuer(secret, cfg.maxAge, clock) : null;
  }

  get required(): boolean {
    return this.cfg.mode === 'required';
  }

  /** The nonce to send as DPoP-Nonce, or null when DPOP_NONCE is off. */
  nonce(): string | null {
    return this.nonces?.current() ?? null;
  }

  /** Called with every refusal's reason (one place for counters; nothing is counted here). */
  onRefusal(listener: RefusalListener): void {
    this.listeners.push(listener);
  }

  /** Returns the proof key's thumbprint (cnf.jkt), or throws UNAUTHENTICATED with the reason. */
  async check(req: ProofRequest): Promise<string> {
    const now = this.clock.now();
    let proof;
    try {
      proof = await this.verifier.verify(req.proof, { htm: req.htm, htu: this.cfg.htu ?? req.url, accessToken: req.accessToken, now: epochSeconds(now), maxAge: this.cfg.maxAge, tolerance: this.tolerance });
    } catch (err) {
      if (!(err instanceof ProofError)) throw err;
      throw this.refuse('DPOP_PROOF_INVALID', err.detail);
    }
    if (this.nonces && (proof.nonce === undefined || !this.nonces.accepts(proof.nonce))) throw this.refuse('DPOP_NONCE_REQUIRED');
    // The entry outlives the last moment any instance (clocks within the tolerance) could accept the proof.
    const lastAcceptedMs = (proof.iat + this.cfg.maxAge + 2 * this.tolerance) * 1000;
    const ttlMs = Math.max(1000, Math.ceil(lastAcceptedMs - now.getTime()) + 1000);
    const key = createHash('sha256').update(`${proof.jkt} ${proof.jti}`).digest('base64url');
    let fresh: boolean;
    try {
      fresh = await this.replay.remember(key, ttlMs);
    } catch (err) {
      this.logger.warn('dpop replay cache unavailable', { message: (err as Error).message });
      throw new ServiceUnavailableError();
    }
    if (!fresh) throw this.refuse('DPOP_PROOF_REPLAYED');
    return proof.jkt;
  }

  /** The one place a refusal is made: listeners hear it, the caller throws it. */
  refuse(reason: DpopFailure, detail?: string): UnauthenticatedError {
    for (const listener of this.listeners) listener(reason, detail);
    const nonce = this.nonce();
    return new UnauthenticatedError(reason, { scheme: 'DPoP', ...(nonce ? { nonce } : {}) });
  }

  /** Rethrows an error, first telling the listeners when it is a DPoP refusal made elsewhere (a bound session's rotation). */
  rethrow(err: unknown): never {
    if (err instanceof UnauthenticatedError && err.reason.startsWith('DPOP_')) throw this.refuse(err.reason as DpopFailure);
    throw err;
  }

  close(): Promise<void> {
    return this.replay.close();
  }
}
