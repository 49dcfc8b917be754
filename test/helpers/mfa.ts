import { Secret, TOTP } from 'otpauth';
import { firstError, LOGIN, type TestServer } from './server';

/** The RFC 6238 code for `secret` at `at` (the server's frozen clock), computed the way an app does. */
export const totpAt = (secret: string, at: Date): string =>
  TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: at.getTime() });

export const AUTH_FIELDS = 'accessToken refreshToken sessionId user { id username }';
export const START_TOTP = `mutation { startTotpEnrollment { secret otpauthUri } }`;
export const CONFIRM_TOTP = `mutation ($code: String!) { confirmTotpEnrollment(code: $code) }`;
export const DISABLE_TOTP = `mutation ($code: String!) { disableTotp(code: $code) }`;
export const REGENERATE = `mutation ($code: String!) { regenerateRecoveryCodes(code: $code) }`;
export const COMPLETE = `mutation ($t: String!, $code: String!) { completeMfaLogin(mfaToken: $t, code: $code) { ${AUTH_FIELDS} } }`;
export const START_REG = `mutation { startPasskeyRegistration }`;
export const FINISH_REG = `mutation ($r: String!, $name: String) { finishPasskeyRegistration(response: $r, name: $name) { id name createdAt lastUsedAt backedUp } }`;
export const START_LOGIN = `mutation ($t: String) { startPasskeyLogin(mfaToken: $t) }`;
export const FINISH_LOGIN = `mutation ($r: String!, $t: String) { finishPasskeyLogin(response: $r, mfaToken: $t) { ${AUTH_FIELDS} } }`;
export const MY_PASSKEYS = `{ myPasskeys { id name createdAt lastUsedAt backedUp } }`;
export const MFA_STATUS = `{ me { mfaEnabled mfaMethods recoveryCodesLeft } }`;
export const RESET_MFA = `mutation ($id: ID!) { resetMfa(userId: $id) { id mfaEnabled } }`;

const tokenOf = (token: string) => ({ token });

/** Turns TOTP on for the account; returns its secret and recovery codes (the clock then moves one step on). */
export async function enrolTotp(server: TestServer, accessToken: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const start = await server.gql(START_TOTP, {}, tokenOf(accessToken));
  const secret = start.body.data?.startTotpEnrollment?.secret;
  if (!secret) throw new Error('startTotpEnrollment failed: ' + JSON.stringify(start.body.errors));
  const confirm = await server.gql(CONFIRM_TOTP, { code: totpAt(secret, server.clock.now()) }, tokenOf(accessToken));
  const recoveryCodes = confirm.body.data?.confirmTotpEnrollment;
  if (!recoveryCodes) throw new Error('confirmTotpEnrollment failed: ' + JSON.stringify(confirm.body.errors));
  server.clock.advance(30); // the code just used is spent for its step
  return { secret, recoveryCodes };
}

/** A password login that must answer MFA_REQUIRED; returns its extensions. */
export async function passwordStep(server: TestServer, username: string, password: string): Promise<{ mfaToken: string; methods: string[] }> {
  const res = await server.gql(LOGIN, { input: { username, password } });
  const ext = firstError(res);
  if (ext.reason !== 'MFA_REQUIRED') throw new Error('expected MFA_REQUIRED: ' + JSON.stringify(res.body));
  return ext as { mfaToken: string; methods: string[] };
}

/** The claims of an access token, unverified (the server checked them). */
export const claimsOf = (token: string): Record<string, any> => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
