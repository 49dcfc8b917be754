import { parseList } from '../../lib/env';
import { isPermission, type Permission } from '../access/permissions';

export interface MfaConfig {
  /** MFA_REQUIRED_FOR: permissions usable only from a session opened with a second factor (empty: `none`). */
  requiredFor: Permission[];
  webauthn: {
    /** WEBAUTHN_RP_ID, default PUBLIC_URL's host name: the relying party id passkeys are scoped to. */
    rpId: string;
    /** WEBAUTHN_RP_NAME, default "tokengate": the name an authenticator shows. */
    rpName: string;
    /** WEBAUTHN_ORIGINS, default PUBLIC_URL's origin: the origins a ceremony may come from. */
    origins: string[];
  };
}

/** MFA_REQUIRED_FOR, WEBAUTHN_RP_ID, WEBAUTHN_RP_NAME, WEBAUTHN_ORIGINS; PUBLIC_URL gives the defaults. */
export function parseMfaConfig(env: NodeJS.ProcessEnv, publicUrl: string): MfaConfig {
  const raw = (env.MFA_REQUIRED_FOR ?? 'none').trim();
  const listed = raw === '' || raw.toLowerCase() === 'none' ? [] : parseList(raw);
  const unknown = listed.filter((p) => !isPermission(p));
  if (unknown.length) throw new TypeError(`MFA_REQUIRED_FOR must be "none" or comma-separated permissions from the catalogue; unknown: ${unknown.join(', ')}`);
  const url = new URL(publicUrl);
  const rpId = (env.WEBAUTHN_RP_ID ?? url.hostname).trim().toLowerCase();
  if (!/^[a-z0-9.-]+$/.test(rpId) || rpId.startsWith('.') || rpId.endsWith('.')) throw new TypeError(`WEBAUTHN_RP_ID must be a host name such as example.com; got "${env.WEBAUTHN_RP_ID}"`);
  const origins = env.WEBAUTHN_ORIGINS ? parseList(env.WEBAUTHN_ORIGINS).map(parseOrigin) : [url.origin];
  for (const origin of origins) {
    const host = new URL(origin).hostname;
    if (host !== rpId && !host.endsWith(`.${rpId}`)) throw new TypeError(`WEBAUTHN_ORIGINS entry ${origin} is not on WEBAUTHN_RP_ID ${rpId} or one of its subdomains`);
  }
  const rpName = (env.WEBAUTHN_RP_NAME ?? 'tokengate').trim();
  if (!rpName || rpName.length > 64) throw new TypeError('WEBAUTHN_RP_NAME must be 1 to 64 characters');
  return { requiredFor: [...new Set(listed as Permission[])], webauthn: { rpId, rpName, origins } };
}

function parseOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`WEBAUTHN_ORIGINS entries must be origins such as https://app.example.com; got "${raw}"`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== raw.replace(/\/$/, '')) {
    throw new TypeError(`WEBAUTHN_ORIGINS entries must be origins such as https://app.example.com (no path); got "${raw}"`);
  }
  return url.origin;
}

/** The production start log's line about MFA_REQUIRED_FOR: a warning while no permission needs a second factor. */
export function mfaPolicyNotice(env: 'development' | 'production' | 'test', mfa: MfaConfig): string | null {
  if (env !== 'production' || mfa.requiredFor.length) return null;
  return 'MFA_REQUIRED_FOR is none: accounts holding users:manage or roles:manage can use them without a second factor (docs/operations.md recommends users:manage,roles:manage)';
}
