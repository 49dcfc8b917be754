import type { EntityManager } from '@mikro-orm/core';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Clock } from '../../lib/clock';
import { PasskeyRejectedError } from '../../errors';
import type { MfaConfig } from './mfa.config';
import { Passkey, type MfaTicket } from './mfa.entities';
import { TICKET_TTL, type MfaTickets } from './mfa.tickets';
import { passkeyName } from './mfa.service';

const MAX_RESPONSE = 16 * 1024;

/**
 * WebAuthn ceremonies with @simplewebauthn/server: options with a challenge kept server-side (single use,
 * five minutes, in the database so any instance can finish), user verification required, `none` attestation,
 * the signature counter checked where the authenticator keeps one.
 */
export class PasskeyService {
  constructor(
    private readonly cfg: MfaConfig['webauthn'],
    private readonly tickets: MfaTickets,
    private readonly clock: Clock,
  ) {}

  /** PublicKeyCredentialCreationOptionsJSON for a discoverable credential, excluding the account's own. */
  async registrationOptions(em: EntityManager, user: { id: string; username: string }): Promise<string> {
    const existing = await em.find(Passkey, { userId: user.id }, { fields: ['credentialId', 'transports'] });
    const options = await generateRegistrationOptions({
      rpName: this.cfg.rpName,
      rpID: this.cfg.rpId,
      userName: user.username,
      userID: new TextEncoder().encode(user.id),
      timeout: TICKET_TTL * 1000,
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: transportsOf(p) })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    await this.tickets.issueChallenge(em, 'REGISTRATION', options.challenge, user.id);
    return JSON.stringify(options);
  }

  /** Verifies an attestation for the viewer's own pending challenge and stores the passkey. */
  async register(em: EntityManager, userId: string, responseText: string, name: string | null | undefined): Promise<Passkey> {
    const response = parse<RegistrationResponseJSON>(responseText);
    const ticket = await this.tickets.spendChallenge(em, 'REGISTRATION', challengeOf(response));
    if (!ticket || ticket.userId !== userId) throw new PasskeyRejectedError('CHALLENGE_INVALID');
    let verified;
    try {
      verified = await verifyRegistrationResponse({
        response,
        expectedChallenge: challengeOf(response),
        expectedOrigin: this.cfg.origins,
        expectedRPID: this.cfg.rpId,
        requireUserVerification: true,
      });
    } catch {
      throw new PasskeyRejectedError('VERIFICATION_FAILED');
    }
    if (!verified.verified) throw new PasskeyRejectedError('VERIFICATION_FAILED');
    const { credential, credentialBackedUp } = verified.registrationInfo;
    if (await em.count(Passkey, { credentialId: credential.id })) throw new PasskeyRejectedError('ALREADY_REGISTERED');
    const count = await em.count(Passkey, { userId });
    const passkey = Object.assign(new Passkey(), {
      userId,
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: credential.transports?.length ? credential.transports.join(',') : null,
      backedUp: credentialBackedUp,
      name: passkeyName(name, `Passkey ${count + 1}`),
      createdAt: this.clock.now(),
    });
    await em.persist(passkey).flush();
    return passkey;
  }

  /** Request options: for one account's passkeys (a second factor), or any discoverable one (userId null). */
  async authenticationOptions(em: EntityManager, userId: string | null): Promise<string> {
    const allowed = userId ? await em.find(Passkey, { userId }, { fields: ['credentialId', 'transports'] }) : [];
    const options = await generateAuthenticationOptions({
      rpID: this.cfg.rpId,
      timeout: TICKET_TTL * 1000,
      userVerification: 'required',
      ...(userId ? { allowCredentials: allowed.map((p) => ({ id: p.credentialId, transports: transportsOf(p) })) } : {}),
    });
    await this.tickets.issueChallenge(em, 'AUTHENTICATION', options.challenge, userId);
    return JSON.stringify(options);
  }

  /**
   * Verifies an assertion against its spent challenge; `userId` (a second factor) must own both the challenge
   * and the passkey. Returns the passkey with its counter moved on.
   */
  async authenticate(em: EntityManager, responseText: string, userId: string | null): Promise<Passkey> {
    const response = parse<AuthenticationResponseJSON>(responseText);
    const ticket: MfaTicket | null = await this.tickets.spendChallenge(em, 'AUTHENTICATION', challengeOf(response));
    if (!ticket || ticket.userId !== userId) throw new PasskeyRejectedError('CHALLENGE_INVALID');
    const passkey = typeof response.id === 'string' && response.id.length <= 512 ? await em.findOne(Passkey, { credentialId: response.id }) : null;
    if (!passkey || (userId && passkey.userId !== userId)) throw new PasskeyRejectedError('UNKNOWN_CREDENTIAL');
    let info;
    try {
      const verified = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challengeOf(response),
        expectedOrigin: this.cfg.origins,
        expectedRPID: this.cfg.rpId,
        requireUserVerification: true,
        credential: { id: passkey.credentialId, publicKey: Buffer.from(passkey.publicKey, 'base64url'), counter: passkey.counter, transports: transportsOf(passkey) },
      });
      if (!verified.verified) throw new PasskeyRejectedError('VERIFICATION_FAILED');
      info = verified.authenticationInfo;
    } catch (err) {
      if (err instanceof PasskeyRejectedError) throw err;
      // A counter that did not move past the stored one: a cloned authenticator, or a replayed assertion.
      throw new PasskeyRejectedError(err instanceof Error && /counter/i.test(err.message) ? 'COUNTER_REGRESSION' : 'VERIFICATION_FAILED');
    }
    const now = this.clock.now();
    // Compare-and-set on the counter, so two assertions racing on two instances cannot both pass one value.
    const moved = await em.nativeUpdate(Passkey, { id: passkey.id, counter: passkey.counter }, { counter: info.newCounter, backedUp: info.credentialBackedUp, lastUsedAt: now });
    if (moved !== 1) throw new PasskeyRejectedError('COUNTER_REGRESSION');
    Object.assign(passkey, { counter: info.newCounter, backedUp: info.credentialBackedUp, lastUsedAt: now });
    return passkey;
  }
}

function parse<T>(text: string): T {
  if (typeof text !== 'string' || text.length > MAX_RESPONSE) throw new PasskeyRejectedError('VERIFICATION_FAILED');
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null) throw new Error('not an object');
    return value as T;
  } catch {
    throw new PasskeyRejectedError('VERIFICATION_FAILED');
  }
}

/** The challenge the client signed, read from clientDataJSON; checked again by the verifier. */
function challengeOf(response: { response?: { clientDataJSON?: unknown } }): string {
  try {
    const data = JSON.parse(Buffer.from(String(response.response?.clientDataJSON ?? ''), 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof data.challenge === 'string' ? data.challenge : '';
  } catch {
    return '';
  }
}

const transportsOf = (p: Pick<Passkey, 'transports'>): AuthenticatorTransportFuture[] | undefined =>
  p.transports ? (p.transports.split(',') as AuthenticatorTransportFuture[]) : undefined;
