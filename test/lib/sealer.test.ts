import { Sealer } from '../../src/lib/sealer';

const SECRET = Buffer.from('x'.repeat(40));
const PLAIN = JSON.stringify({ accessToken: 'eyJ.header.sig', accessExp: 1790000000, refreshToken: 'r-123' });

/** Decodes, lets fn change the raw bytes, and re-encodes. */
const mutate = (sealed: string, fn: (raw: Buffer) => Buffer) => fn(Buffer.from(sealed, 'base64url')).toString('base64url');
const flipBit = (at: number) => (raw: Buffer) => {
  const copy = Buffer.from(raw);
  copy[at] ^= 0x01;
  return copy;
};

describe('Sealer', () => {
  const sealer = new Sealer(SECRET, 'refresh-grace');

  describe('round trip', () => {
    it.each([
      ['JSON', PLAIN],
      ['the empty string', ''],
      ['unicode', 'caf\u00e9 \u{1F600} \u0000 end'],
      ['a long text', 'z'.repeat(100_000)],
    ])('opens what it sealed: %s', (_name, plain) => {
      const sealed = sealer.seal(plain);
      expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(sealed).not.toContain(plain || 'never-empty');
      expect(sealer.open(sealed)).toBe(plain);
    });

    it('uses a fresh IV each time, so one plaintext seals differently', () => {
      const a = sealer.seal(PLAIN);
      const b = sealer.seal(PLAIN);
      expect(a).not.toBe(b);
      expect(Buffer.from(a, 'base64url').subarray(0, 12).equals(Buffer.from(b, 'base64url').subarray(0, 12))).toBe(false);
    });

    it('opens with another instance built from the same secret and purpose', () => {
      expect(new Sealer(Buffer.from(SECRET), 'refresh-grace').open(sealer.seal(PLAIN))).toBe(PLAIN);
    });
  });

  describe('another key', () => {
    it('opens to null under another secret', () => {
      expect(new Sealer(Buffer.from('y'.repeat(40)), 'refresh-grace').open(sealer.seal(PLAIN))).toBeNull();
    });

    it('opens to null under another purpose', () => {
      expect(new Sealer(SECRET, 'something-else').open(sealer.seal(PLAIN))).toBeNull();
      expect(sealer.open(new Sealer(SECRET, 'refresh-grace2').seal(PLAIN))).toBeNull();
    });
  });

  describe('tampering', () => {
    const sealed = sealer.seal(PLAIN);
    const length = Buffer.from(sealed, 'base64url').length;

    it.each([
      ['the IV', 0],
      ['the last IV byte', 11],
      ['the tag', 12],
      ['the last tag byte', 27],
      ['the first body byte', 28],
      ['the last body byte', length - 1],
    ])('opens to null with a bit flipped in %s', (_name, at) => {
      expect(sealer.open(mutate(sealed, flipBit(at as number)))).toBeNull();
    });

    it('opens to null when bytes are appended or the body is cut', () => {
      expect(sealer.open(mutate(sealed, (raw) => Buffer.concat([raw, Buffer.from([0])])))).toBeNull();
      expect(sealer.open(mutate(sealed, (raw) => raw.subarray(0, raw.length - 1)))).toBeNull();
      expect(sealer.open(mutate(sealed, (raw) => raw.subarray(0, 28)))).toBeNull();
    });

    it('opens to null when the tag is cut short', () => {
      // GCM accepts tags of 4..16 bytes; a short tag of an empty seal is a prefix of the real one.
      const empty = sealer.seal('');
      for (const keep of [16, 20, 24]) {
        expect(sealer.open(mutate(empty, (raw) => raw.subarray(0, keep)))).toBeNull();
      }
    });

    it.each(['', 'not base64 at all!', 'AAAA', 'A'.repeat(40)])('opens garbage %p to null', (garbage) => {
      expect(sealer.open(garbage)).toBeNull();
    });
  });
});
