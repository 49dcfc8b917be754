import { baseUsername, candidate } from '../../../src/modules/oidc/username';

const VALID = /^[A-Za-z0-9_.-]{3,32}$/;

describe('baseUsername', () => {
  it.each([
    [{ preferred_username: 'alice' }, 'alice'],
    [{ preferred_username: 'Alice.Smith' }, 'Alice.Smith'],
    [{ preferred_username: 'alice@corp.example' }, 'alice'],
    [{ email: 'carol.smith@corp.example' }, 'carol.smith'],
    [{ preferred_username: '  ', email: 'x.y@z' }, 'x.y'],
    [{ preferred_username: 'Jürgen Müller' }, 'Jurgen_Muller'],
    [{ preferred_username: '李小龍' }, 'user'],
    [{ preferred_username: '__jo__' }, 'jo_user'],
    [{ preferred_username: 'a'.repeat(40) }, 'a'.repeat(32)],
    [{ preferred_username: 'a'.repeat(31) + '.b' }, 'a'.repeat(31)],
    [{ preferred_username: 42, email: null }, 'user'],
    [{}, 'user'],
  ])('%j → %s', (claims, expected) => {
    const name = baseUsername(claims as never);
    expect(name).toBe(expected);
    expect(name).toMatch(VALID);
  });
});

describe('candidate', () => {
  it('tries the name, then -2 … -9, then a random suffix, always within 32 characters', () => {
    expect(candidate('alice', 0)).toBe('alice');
    expect(candidate('alice', 1)).toBe('alice-2');
    expect(candidate('alice', 8)).toBe('alice-9');
    expect(candidate('alice', 9)).toMatch(/^alice-[0-9a-f]{6}$/);
    const long = 'a'.repeat(32);
    expect(candidate(long, 1)).toBe('a'.repeat(30) + '-2');
    expect(candidate(long, 10)).toMatch(VALID);
  });
});
