import { loadConfig } from '../../../src/config';
import { oidcCookies } from '../../../src/modules/oidc/oidc.cookies';

const base = { JWT_SECRET: 'a-test-secret-of-exactly-32-byte', DATA_DIR: '/nonexistent-data-dir', PUBLIC_URL: 'https://id.example.com/tg' };

describe('the sign-in cookies', () => {
  it('are __Host- (Secure, Path=/) when cookies are secure', () => {
    const { flow, link } = oidcCookies(loadConfig({ ...base, NODE_ENV: 'test' }));
    expect([flow.name, link.name]).toEqual(['__Host-tokengate-oidc', '__Host-tokengate-link']);
    for (const c of [flow, link]) expect(c.options).toMatchObject({ secure: true, path: '/', httpOnly: true, sameSite: 'lax' });
  });

  it('keep plain names over http://localhost in development, where a browser would drop a Secure cookie', () => {
    const { flow, link } = oidcCookies(loadConfig({ ...base, NODE_ENV: 'development', PUBLIC_URL: 'http://localhost:4000/tg' }));
    expect(flow).toMatchObject({ name: 'tokengate-oidc', options: { secure: false, path: '/tg/auth/oidc' } });
    expect(link).toMatchObject({ name: 'tokengate-link', options: { secure: false, path: '/' } });
  });
});
