import { loadConfig } from '../../../src/config';

const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32), DATABASE_URL: 'sqlite::memory:' };

describe('second-factor configuration', () => {
  it('takes the relying party from PUBLIC_URL unless WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS say otherwise', () => {
    expect(loadConfig({ ...base, PUBLIC_URL: 'https://auth.example.com/base' }).mfa.webauthn).toEqual({ rpId: 'auth.example.com', rpName: 'tokengate', origins: ['https://auth.example.com'] });
    const wide = loadConfig({ ...base, PUBLIC_URL: 'https://auth.example.com', WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://app.example.com,https://example.com' }).mfa.webauthn;
    expect(wide).toMatchObject({ rpId: 'example.com', origins: ['https://app.example.com', 'https://example.com'] });
    expect(loadConfig(base).mfa).toEqual({ requiredFor: [], webauthn: { rpId: 'localhost', rpName: 'tokengate', origins: ['http://localhost:4000'] } });
  });

  it('refuses origins off the RP id, paths in origins, and unknown permissions', () => {
    expect(() => loadConfig({ ...base, WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://evil.test' })).toThrow(/WEBAUTHN_ORIGINS entry https:\/\/evil.test is not on WEBAUTHN_RP_ID example.com/);
    expect(() => loadConfig({ ...base, WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.com/app' })).toThrow(/no path/);
    expect(() => loadConfig({ ...base, WEBAUTHN_RP_ID: 'https://example.com' })).toThrow(/WEBAUTHN_RP_ID must be a host name/);
    expect(loadConfig({ ...base, MFA_REQUIRED_FOR: ' users:manage , roles:manage ' }).mfa.requiredFor).toEqual(['users:manage', 'roles:manage']);
    expect(loadConfig({ ...base, MFA_REQUIRED_FOR: 'NONE' }).mfa.requiredFor).toEqual([]);
    expect(() => loadConfig({ ...base, MFA_REQUIRED_FOR: 'admin' })).toThrow(/MFA_REQUIRED_FOR .*unknown: admin/);
  });
});
