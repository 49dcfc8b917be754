import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Config } from '../../config';
import { epochSeconds, type Clock } from '../../lib/clock';
import type { AuthFailure } from '../../errors';

export interface AccessClaims {
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
  /** Present only on tokens minted by a password check (login, register, changePassword). */
  auth_time?: number;
  /** A DPoP-bound token (RFC 9449 §6.1): the thumbprint of the key every request must prove. */
  cnf?: { jkt: string };
  /** RFC 8176 methods the session was opened with (pwd, otp, hwk, user, mfa, fed); kept on refresh. */
  amr?: string[];
  /** `urn:tokengate:mfa` when a second factor was used. */
  acr?: string;
}

/** Thrown by verify(); the reason is what the client will see. */
export class TokenError extends Error {
  constructor(readonly reason: Extract<AuthFailure, 'TOKEN_INVALID' | 'TOKEN_EXPIRED'>) {
    super(reason);
  }
}

const TYP = 'at+jwt';
/** Verified tokens remembered (oldest dropped first): a client sends one access token until it expires. */
const VERIFIED_MAX = 1000;
/** Headers that would let a token choose its own key or semantics (RFC 8725 §3.10); never honoured. */
const FORBIDDEN_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'crit'];

/** Signs and verifies access tokens (RFC 9068 profile); keys are prepared once as KeyObjects in config. */
export class TokenService {
  /** Token text → its claims, only after a full verification; the key ring never changes in a process. */
  private readonly verified = new Map<string, Readonly<AccessClaims>>();

  constructor(private readonly cfg: Config['jwt'], private readonly clock: Clock) {}

  get ttl(): number {
    return this.cfg.accessTtl;
  }

  sign(input: { userId: string; sessionId: string; authTime?: Date; amr?: string[]; acr?: string; jkt?: string | null }): { token: string; claims: AccessClaims } {
    const iat = epochSeconds(this.clock.now());
    const claims: AccessClaims = {
      sub: input.userId,
      sid: input.sessionId,
      jti: randomUUID(),
      iat,
      exp: iat + this.cfg.accessTtl,
      iss: this.cfg.issuer,
      aud: this.cfg.audience,
      ...(input.authTime ? { auth_time: epochSeconds(input.authTime) } : {}),
      ...(input.jkt ? { cnf: { jkt: input.jkt } } : {}),
      ...(input.amr?.length ? { amr: input.amr } : {}),
      ...(input.acr ? { acr: input.acr } : {}),
    };
    const { alg, kid, signKey } = this.cfg.keys.signing;
    const token = jwt.sign(claims, signKey, { algorithm: alg, header: { alg, typ: TYP, kid } });
    return { token, claims };
  }

  verify(token: string): AccessClaims {
    const now = epochSeconds(this.clock.now());
    const known = this.verified.get(token);
    if (known) return this.stillValid(token, known, now);
    const verifier = this.keyFor(token);
    let decoded: jwt.Jwt;
    try {
      decoded = jwt.verify(token, verifier.key, {
        algorithms: [verifier.alg],
        issuer: this.cfg.issuer,
        audience: this.cfg.audience,
        clockTolerance: this.cfg.clockTolerance,
        clockTimestamp: now,
        complete: true,
      });
    } catch (err) {
      throw new TokenError(err instanceof jwt.TokenExpiredError ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID');
    }
    const { header, payload } = decoded;
    if (typeof header.typ !== 'string' || !/^(application\/)?at\+jwt$/i.test(header.typ)) throw new TokenError('TOKEN_INVALID');
    if (typeof payload !== 'object' || payload === null) throw new TokenError('TOKEN_INVALID');
    const c = payload as Partial<AccessClaims>;
    // jsonwebtoken accepts a token without exp; an access token must always expire.
    if (!Number.isInteger(c.exp) || !Number.isInteger(c.iat)) throw new TokenError('TOKEN_INVALID');
    if (c.iat! > now + this.cfg.clockTolerance) throw new TokenError('TOKEN_INVALID');
    if (c.exp! - c.iat! > this.cfg.maxLifetime || c.exp! <= c.iat!) throw new TokenError('TOKEN_INVALID');
    if (typeof c.sub !== 'string' || typeof c.sid !== 'string' || typeof c.jti !== 'string') throw new TokenError('TOKEN_INVALID');
    if (c.auth_time !== undefined && !Number.isInteger(c.auth_time)) throw new TokenError('TOKEN_INVALID');
    if (c.cnf !== undefined && (typeof c.cnf !== 'object' || c.cnf === null || typeof c.cnf.jkt !== 'string')) throw new TokenError('TOKEN_INVALID');
    if (c.amr !== undefined && (!Array.isArray(c.amr) || !c.amr.every((m) => typeof m === 'string'))) throw new TokenError('TOKEN_INVALID');
    if (c.acr !== undefined && typeof c.acr !== 'string') throw new TokenError('TOKEN_INVALID');
    this.remember(token, Object.freeze(c as AccessClaims));
    return c as AccessClaims;
  }

  /** A remembered token's signature and claims stand; only the clock checks are made again. */
  private stillValid(token: string, c: Readonly<AccessClaims> & { nbf?: number }, now: number): AccessClaims {
    const leeway = this.cfg.clockTolerance;
    if (now >= c.exp + leeway) {
      this.verified.delete(token);
      throw new TokenError('TOKEN_EXPIRED');
    }
    if (c.iat > now + leeway || (typeof c.nbf === 'number' && c.nbf > now + leeway)) throw new TokenError('TOKEN_INVALID');
    return c;
  }

  private remember(token: string, claims: Readonly<AccessClaims>): void {
    if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, claims);
  }

  /** Picks the key by exact kid lookup in the ring: a kid is never a path, a URL or a query. */
  private keyFor(token: string) {
    let header: jwt.JwtHeader | undefined;
    try {
      header = jwt.decode(token, { complete: true })?.header;
    } catch {
      header = undefined;
    }
    if (typeof header !== 'object' || header === null || FORBIDDEN_HEADERS.some((name) => name in header!)) throw new TokenError('TOKEN_INVALID');
    const verifier = typeof header.kid === 'string' ? this.cfg.keys.verifiers.get(header.kid) : undefined;
    if (!verifier || header.alg !== verifier.alg) throw new TokenError('TOKEN_INVALID');
    return verifier;
  }
}
