import { createHash } from 'node:crypto';
import '../../src/app';

describe("Apollo's query hash", () => {
  it('patches the copy @apollo/server itself loads (no nested copy after an upgrade)', () => {
    const server = require.resolve('@apollo/server');
    expect(require.resolve('@apollo/utils.createhash', { paths: [server] })).toBe(require.resolve('@apollo/utils.createhash'));
  });

  it('comes from a crypto taken once (no module.require per request), with the same value', () => {
    const apolloHash = require('@apollo/utils.createhash') as { createHash: (kind: string) => { update(s: string): { digest(e: 'hex'): string } } };
    expect(apolloHash.createHash.toString()).not.toMatch(/module\.require/);
    expect(apolloHash.createHash('sha256').update('{ me { id } }').digest('hex')).toBe(createHash('sha256').update('{ me { id } }').digest('hex'));
  });
});
