import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_PROVIDER_RESPONSE, OidcProviders } from '../../../src/modules/oidc/oidc.providers';
import type { OidcProviderConfig } from '../../../src/modules/oidc/oidc.config';
import { closeServer } from '../../helpers/oidc-provider';

/** A provider whose discovery document is valid JSON padded to `size` bytes, sent chunked (no Content-Length) or not. */
async function bloatedProvider(size: number, chunked: boolean): Promise<{ issuer: string; server: Server }> {
  const server = createServer((req, res) => {
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const doc = { issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`, response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] };
    const head = JSON.stringify(doc).slice(0, -1) + ',"padding":"';
    const padding = size - head.length - 2;
    res.writeHead(200, { 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': String(head.length + padding + 2) }) });
    res.write(head);
    for (let left = padding; left > 0; left -= 65536) res.write('x'.repeat(Math.min(65536, left)));
    res.end('"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const provider = (issuer: string): OidcProviderConfig => ({ id: 'big', name: 'big', issuer, clientId: 'tokengate', clientSecret: 'secret-0123456789', scopes: 'openid', allowInsecure: true, redirectUri: 'https://tokengate.test/auth/oidc/big/callback' });

describe('responses from a provider are capped at 1 MB', () => {
  it.each([
    ['with a Content-Length', false],
    ['chunked', true],
  ])('a discovery document over the cap (%s) leaves the provider unavailable, with a log line', async (_name, chunked) => {
    const { issuer, server } = await bloatedProvider(5 * MAX_PROVIDER_RESPONSE, chunked);
    const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn() };
    const providers = new OidcProviders([provider(issuer)], logger as never, { firstSeconds: 600, maxSeconds: 600, timeoutSeconds: 5 });
    try {
      await providers.start();
      expect(providers.list()).toEqual([{ id: 'big', name: 'big', available: false }]);
      expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/discovery failed/), expect.objectContaining({ provider: 'big', error: expect.stringMatching(/over 1048576 bytes/) }));
    } finally {
      providers.stop();
      await closeServer(server);
    }
  });

  it('a document under the cap is discovered (control)', async () => {
    const { issuer, server } = await bloatedProvider(MAX_PROVIDER_RESPONSE - 1024, true);
    const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn() };
    const providers = new OidcProviders([provider(issuer)], logger as never, { firstSeconds: 600, maxSeconds: 600, timeoutSeconds: 5 });
    try {
      await providers.start();
      expect(providers.list()[0].available).toBe(true);
    } finally {
      providers.stop();
      await closeServer(server);
    }
  });
});
