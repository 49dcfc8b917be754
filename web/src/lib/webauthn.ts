import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';

/** The server sends WebAuthn options as JSON text and takes the responses as JSON text (schema/mfa.graphql). */
export const passkeysSupported = (): boolean => browserSupportsWebAuthn();

export async function createPasskey(optionsText: string): Promise<string> {
  return JSON.stringify(await startRegistration({ optionsJSON: JSON.parse(optionsText) }));
}

export async function getPasskeyAssertion(optionsText: string): Promise<string> {
  return JSON.stringify(await startAuthentication({ optionsJSON: JSON.parse(optionsText) }));
}

/** The browser's own refusal (the person cancelled, or no passkey matched): words, not a stack. */
export function passkeyProblem(error: unknown): string | null {
  if (error instanceof Error && /NotAllowedError|InvalidStateError|AbortError|timed out|not allowed/i.test(`${error.name} ${error.message}`)) {
    return /InvalidStateError/.test(error.name) ? 'This passkey is already registered for your account.' : 'The passkey prompt was cancelled or no passkey was chosen.';
  }
  return null;
}
