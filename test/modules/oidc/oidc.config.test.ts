import { parseOidcConfig } from '../../../src/modules/oidc/oidc.config';
import { loadConfig } from '../../../src/config';

const corp = (extra: Record<string, string> = {}) => ({
  OIDC_PROVIDERS: 'corp',
  OIDC_CORP_ISSUER: 'https://sso.corp.example/realms/main',
  OIDC_CORP_CLIENT_ID: 'tokengate',
  ...extra,
});

describe('parseOidcConfig', () => {
  it('has no providers and PUBLIC_URL http://localhost:${PORT} by default', () => {
    expect(parseOidcConfig({}, 'development', 4000)).toEqual({ publicUrl: 'http://localhost:4000', publicOrigin: 'http://localhost:4000', redirectOrigins: [], providers: [] });
  });

  it('reads a provider with its defaults and its redirect URI', () => {
    const cfg = parseOidcConfig({ ...corp(), PUBLIC_URL: 'https://auth.example.com/' }, 'production', 4000);
    expect(cfg.providers).toEqual([
      {
        id: 'corp',
        name: 'corp',
        issuer: 'https://sso.corp.example/realms/main',
        clientId: 'tokengate',
        clientSecret: null,
        scopes: 'openid profile email',
        allowInsecure: false,
        redirectUri: 'https://auth.example.com/auth/oidc/corp/callback',
      },
    ]);
  });

  it('reads name, secret, scopes and several providers, and a PUBLIC_URL with a path', () => {
    const cfg = parseOidcConfig(
      {
        ...corp({ OIDC_CORP_NAME: 'Corp SSO', OIDC_CORP_CLIENT_SECRET: 's3cret', OIDC_CORP_SCOPES: 'openid email groups' }),
        OIDC_PROVIDERS: 'corp, google',
        OIDC_GOOGLE_ISSUER: 'https://accounts.google.com',
        OIDC_GOOGLE_CLIENT_ID: 'x.apps.googleusercontent.com',
        PUBLIC_URL: 'https://example.com/tokengate',
        OIDC_REDIRECT_ORIGINS: 'https://app.example.com, https://admin.example.com/',
      },
      'development',
      4000,
    );
    expect(cfg.providers.map((p) => [p.id, p.name, p.clientSecret, p.scopes])).toEqual([
      ['corp', 'Corp SSO', 's3cret', 'openid email groups'],
      ['google', 'google', null, 'openid profile email'],
    ]);
    expect(cfg.providers[1].redirectUri).toBe('https://example.com/tokengate/auth/oidc/google/callback');
    expect(cfg.publicOrigin).toBe('https://example.com');
    expect(cfg.redirectOrigins).toEqual(['https://app.example.com', 'https://admin.example.com']);
  });

  it('allows an http issuer on a loopback address outside production only', () => {
    for (const host of ['localhost', '127.0.0.1', '[::1]', '127.1.2.3']) {
      expect(parseOidcConfig(corp({ OIDC_CORP_ISSUER: `http://${host}:8080/realms/x` }), 'test', 4000).providers[0].allowInsecure).toBe(true);
    }
    expect(() => parseOidcConfig(corp({ OIDC_CORP_ISSUER: 'http://localhost:8080', PUBLIC_URL: 'https://tokengate.example' }), 'production', 4000)).toThrow(/OIDC_CORP_ISSUER must be https:\/\/ when NODE_ENV=production/);
    expect(() => parseOidcConfig(corp({ OIDC_CORP_ISSUER: 'http://sso.corp.example' }), 'development', 4000)).toThrow(/only on a loopback address/);
  });

  it.each([
    [{ OIDC_PROVIDERS: 'Corp' }, /not a valid provider id/],
    [{ OIDC_PROVIDERS: 'my-idp' }, /not a valid provider id/],
    [{ OIDC_PROVIDERS: 'corp,corp' }, /lists "corp" twice/],
    [{ OIDC_CORP_ISSUER: '' }, /OIDC_CORP_ISSUER is required/],
    [{ OIDC_CORP_ISSUER: 'sso.corp.example' }, /OIDC_CORP_ISSUER must be an absolute URL/],
    [{ OIDC_CORP_ISSUER: 'ftp://sso.corp.example' }, /must be an https:\/\/ URL/],
    [{ OIDC_CORP_ISSUER: 'https://sso.corp.example/?x=1' }, /without credentials, query or fragment/],
    [{ OIDC_CORP_CLIENT_ID: '' }, /OIDC_CORP_CLIENT_ID is required/],
    [{ OIDC_CORP_SCOPES: 'profile email' }, /must include "openid"/],
    [{ PUBLIC_URL: 'tokengate.example' }, /PUBLIC_URL must be an absolute URL/],
    [{ PUBLIC_URL: 'https://tokengate.example/?x' }, /PUBLIC_URL must be a base URL/],
    [{ OIDC_REDIRECT_ORIGINS: '*' }, /may not contain "\*"/],
    [{ OIDC_REDIRECT_ORIGINS: 'https://app.example.com/path' }, /must be origins/],
    [{ OIDC_REDIRECT_ORIGINS: 'http://app.example.com' }, /must be https:\/\//],
  ])('refuses %j', (extra, message) => {
    expect(() => parseOidcConfig(corp(extra as Record<string, string>), 'development', 4000)).toThrow(message);
  });

  it('requires an https PUBLIC_URL in production once providers are configured', () => {
    expect(() => parseOidcConfig(corp(), 'production', 4000)).toThrow(/PUBLIC_URL must be set to the server's public https:\/\/ URL/);
    expect(parseOidcConfig({}, 'production', 4000).providers).toEqual([]);
  });

  it('is part of loadConfig, which stops on a bad value', () => {
    const base = { JWT_SECRET: 'x'.repeat(32), DATA_DIR: '/nonexistent', NODE_ENV: 'test' };
    expect(loadConfig(base).oidc.providers).toEqual([]);
    expect(() => loadConfig({ ...base, OIDC_PROVIDERS: 'corp' })).toThrow(/OIDC_CORP_ISSUER is required/);
    expect(loadConfig({ ...base, RATE_OIDC_START_IP_MAX: '5' }).rateLimits.oidcStart).toEqual({ points: 5, duration: 60, block: 0 });
  });
});
