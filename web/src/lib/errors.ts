import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';

/** An error as the person reads it, with what the UI needs to act on it. */
export interface Problem {
  message: string;
  code?: string;
  reason?: string;
  field?: string;
  /** Seconds to wait, for RATE_LIMITED. */
  retryAfter?: number;
  /** MFA_REQUIRED: the second step's token and the methods the account has. */
  mfaToken?: string;
  methods?: string[];
  /** INVALID_MFA_CODE during a login: tries left on this mfaToken. */
  attemptsLeft?: number;
}

/** Words for the codes and reasons the API sends (docs/errors.md); other messages are already written for people. */
const WORDS: Record<string, string> = {
  BAD_CREDENTIALS: 'That username and password do not match. Check both and try again.',
  USERNAME_TAKEN: 'That username is already taken. Choose another one.',
  NAME_TAKEN: 'You already have a wishlist with that name.',
  TOKEN_EXPIRED: 'Your sign-in expired. Please sign in again.',
  TOKEN_REVOKED: 'You were signed out: this session was ended (for example with “sign out everywhere” on another device). Please sign in again.',
  REFRESH_REUSED: 'For your safety this session was ended, because an old sign-in token was used again. Please sign in again.',
  ACCOUNT_DISABLED: 'Your account has been deactivated. Contact an administrator.',
  TOKEN_INVALID: 'Your sign-in is no longer valid. Please sign in again.',
  TOKEN_MISSING: 'You are signed out. Please sign in again.',
  FRESH_LOGIN_REQUIRED: 'This needs a recent sign-in. Confirm your password to continue.',
  INSUFFICIENT_ROLE: 'Your account may not do this.',
  CROSS_SITE_REQUEST: 'This request came from another site and was refused.',
  NETWORK_ERROR: 'The server could not be reached. Check your connection and try again.',
  SERVICE_UNAVAILABLE: 'The service is temporarily unavailable. Try again in a few seconds.',
  INTERNAL_SERVER_ERROR: 'Something went wrong on the server. Try again.',
  PERSISTED_QUERY_NOT_FOUND: 'The server does not know this version of the app. Reload the page.',
  MFA_REQUIRED: 'Your password was right. Now confirm with your second factor.',
  INVALID_MFA_CODE: 'That code is not valid. Check your authenticator app (codes change every 30 seconds) or use a recovery code.',
  INVALID_MFA_TOKEN: 'This sign-in took too long or had too many wrong codes. Start again with your password.',
  INSUFFICIENT_USER_AUTHENTICATION: 'This needs a recent sign-in with your second factor. Confirm it is you to continue.',
  MFA_ENROLLMENT_REQUIRED: 'This needs a second factor on your account. Set one up on the Security page first.',
  CHALLENGE_INVALID: 'The passkey request expired or was already used. Try again.',
  UNKNOWN_CREDENTIAL: 'That passkey is not registered here.',
  COUNTER_REGRESSION: 'That passkey was refused: it may have been copied. Use another factor and tell an administrator.',
  VERIFICATION_FAILED: 'The passkey could not be verified. Try again.',
  ALREADY_REGISTERED: 'This passkey is already registered.',
  TOTP_ALREADY_ENABLED: 'The authenticator app is already on. Turn it off first to set up a new one.',
};

/** Words for a code or reason alone (e.g. why the session ended). */
export function describeReason(reason: string): string {
  return WORDS[reason] ?? 'You were signed out. Please sign in again.';
}

/** "4 minutes 10 seconds" */
export function formatWait(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const minutes = Math.floor(s / 60);
  const rest = s % 60;
  const parts = [minutes ? `${minutes} minute${minutes === 1 ? '' : 's'}` : '', rest || !minutes ? `${rest} second${rest === 1 ? '' : 's'}` : ''];
  return parts.filter(Boolean).join(' ');
}

/** The first GraphQL error of an Apollo error (or a network failure), in words. */
export function describeError(error: unknown): Problem {
  let ext: Record<string, unknown> | undefined;
  let serverMessage: string | undefined;
  if (CombinedGraphQLErrors.is(error)) {
    ext = error.errors[0]?.extensions as Record<string, unknown> | undefined;
    serverMessage = error.errors[0]?.message;
  } else if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText) as { errors?: Array<{ message?: string; extensions?: Record<string, unknown> }> };
      ext = body.errors?.[0]?.extensions;
      serverMessage = body.errors?.[0]?.message;
    } catch {
      return { message: WORDS.INTERNAL_SERVER_ERROR, code: `HTTP_${error.statusCode}` };
    }
  } else {
    return { message: WORDS.NETWORK_ERROR, code: 'NETWORK_ERROR' };
  }
  const code = typeof ext?.code === 'string' ? ext.code : undefined;
  const reason = typeof ext?.reason === 'string' ? ext.reason : undefined;
  const field = typeof ext?.field === 'string' ? ext.field : undefined;
  if (code === 'RATE_LIMITED') {
    const retryAfter = typeof ext?.retryAfter === 'number' ? ext.retryAfter : undefined;
    return { code, retryAfter, message: `Too many attempts. ${retryAfter ? `Try again in ${formatWait(retryAfter)}.` : 'Try again later.'}` };
  }
  const words = (reason && WORDS[reason]) || (code && WORDS[code]);
  const mfa = reason === 'MFA_REQUIRED' && typeof ext?.mfaToken === 'string' ? { mfaToken: ext.mfaToken, methods: Array.isArray(ext.methods) ? (ext.methods as string[]) : [] } : {};
  const attemptsLeft = typeof ext?.attemptsLeft === 'number' ? ext.attemptsLeft : undefined;
  return { code, reason, field, ...mfa, ...(attemptsLeft !== undefined ? { attemptsLeft } : {}), message: words || serverMessage || WORDS.INTERNAL_SERVER_ERROR };
}
