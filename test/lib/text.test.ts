import { cleanName, cleanText, nameKey } from '../../src/lib/text';
import { createTestServer, type TestServer } from '../helpers/server';
import { CREATE_PRODUCT, CREATE_WISHLIST, expectError, makeAdmin, ok, PASSWORD } from '../helpers/shop';
import { as, CREATE_API_TOKEN, CREATE_ROLE } from '../helpers/access';
import { register } from '../helpers/server';

const reasonOf = (fn: () => unknown) => {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    return (err as { extensions: { reason?: string } }).extensions.reason ?? 'refused';
  }
};

describe('cleanName and cleanText', () => {
  it('refuses bidi controls and zero-width characters', () => {
    for (const c of ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff']) {
      expect([c.codePointAt(0)!.toString(16), reasonOf(() => cleanName(`abc${c}gnp.exe`, 'name', 80))]).toEqual([c.codePointAt(0)!.toString(16), 'INVISIBLE_CHARACTER']);
      expect(reasonOf(() => cleanText(`line one\nabc${c}def`, 'description', 200))).toBe('INVISIBLE_CHARACTER');
    }
  });

  it('refuses every other character that renders as nothing, but keeps an emoji presentation selector', () => {
    for (const c of ['\u00ad', '\u034f', '\u180e', '\u2061', '\u2064', '\ufe00', '\ufe0f', '\u{e0041}', '\u{e007f}', '\u{e0100}', '\u{1d173}']) {
      expect([c.codePointAt(0)!.toString(16), reasonOf(() => cleanName(`abc${c}def`, 'name', 80))]).toEqual([c.codePointAt(0)!.toString(16), 'INVISIBLE_CHARACTER']);
    }
    expect(reasonOf(() => cleanName('\u2764\ufe0f list', 'name', 80))).toBe('accepted');
    for (const padded of ['root\u3164', 'admin\uffa0', '\u115fbob', 'a\u1160b']) expect(reasonOf(() => cleanName(padded, 'name', 80))).toBe('INVISIBLE_CHARACTER');
    // A selector after an astral pictograph (a surrogate pair) is read against the whole code point.
    expect(reasonOf(() => cleanText('\u{1f600}\ufe0f'.repeat(1000), 'description', 2000))).toBe('accepted');
    expect(reasonOf(() => cleanName('a\ud83d\ude00\ufe0fb\ufe0f', 'name', 80))).toBe('INVISIBLE_CHARACTER');
    expect(reasonOf(() => cleanName('\u2602\ufe0e and \u{1f600}', 'name', 80))).toBe('accepted');
  });

  it('refuses a name with no visible character: only zero-width, only combining marks, only blank fillers', () => {
    expect(reasonOf(() => cleanName('\u200b', 'name', 80))).toBe('INVISIBLE_CHARACTER');
    expect(reasonOf(() => cleanName('\u0301\u0302\u0303', 'name', 80))).toBe('NO_VISIBLE_CHARACTER');
    expect(reasonOf(() => cleanName('\u3164', 'name', 80))).toBe('NO_VISIBLE_CHARACTER');
    expect(reasonOf(() => cleanName('\u2800\u2800', 'name', 80))).toBe('NO_VISIBLE_CHARACTER');
    expect(reasonOf(() => cleanText('\u0301', 'description', 80))).toBe('NO_VISIBLE_CHARACTER');
  });

  it('keeps ordinary text in any script, NFC-normalised', () => {
    for (const name of ['Wishlist', 'Geschenke für Oma', 'مفضلات', 'お気に入り', '★ 2027 ★', 'e\u0301te\u0301']) expect(reasonOf(() => cleanName(name, 'name', 80))).toBe('accepted');
    expect(cleanName('Cafe\u0301', 'name', 80)).toBe('Caf\u00e9');
    expect(nameKey(cleanName('CAFE\u0301', 'name', 80))).toBe(nameKey(cleanName('café', 'name', 80)));
    expect(cleanText('', 'description', 10)).toBe('');
    expect(cleanText(' two\nlines ', 'description', 20)).toBe('two\nlines');
  });
});

describe('names shown to other people', () => {
  let server: TestServer;
  let admin: any;
  beforeAll(async () => {
    server = await createTestServer();
    admin = await makeAdmin(server, 'root');
  });
  afterAll(() => server.close());

  it('are refused with a hidden or reordering character in wishlists, products, roles and API tokens', async () => {
    const ann = await register(server, 'ann_names', PASSWORD);
    const bad = { code: 'BAD_USER_INPUT', field: 'name', reason: 'INVISIBLE_CHARACTER' };
    expectError(await server.gql(CREATE_WISHLIST, { name: 'abc\u202Egnp.exe' }, as(ann)), bad);
    expectError(await server.gql(CREATE_WISHLIST, { name: '\u200B' }, as(ann)), bad);
    expectError(await server.gql(CREATE_WISHLIST, { name: '\u0301\u0301' }, as(ann)), { ...bad, reason: 'NO_VISIBLE_CHARACTER' });
    expectError(await server.gql(CREATE_PRODUCT, { input: { name: 'Mug\u2066', priceCents: 100 } }, as(admin)), bad);
    expectError(await server.gql(CREATE_PRODUCT, { input: { name: 'Mug', description: 'Nice\u200Dmug', priceCents: 100 } }, as(admin)), { ...bad, field: 'description' });
    expectError(await server.gql(CREATE_ROLE, { name: 'HELPDESK', permissions: [], description: 'Help\u202Edesk' }, as(admin)), { ...bad, field: 'description' });
    expectError(await server.gql(CREATE_API_TOKEN, { name: 'c\uFEFFi', scopes: [], days: 1 }, as(admin)), bad);
  });

  it('are unique on the normalised, case-insensitive form', async () => {
    const bo = await register(server, 'bo_names', PASSWORD);
    await ok(server.gql(CREATE_WISHLIST, { name: 'Café' }, as(bo)), 'createWishlist');
    for (const name of ['CAFE\u0301', 'café', ' Café ']) expectError(await server.gql(CREATE_WISHLIST, { name }, as(bo)), { code: 'NAME_TAKEN', field: 'name' });
    // "Wish\u200Blist" would have been a second "Wishlist": it is refused instead.
    await ok(server.gql(CREATE_WISHLIST, { name: 'Wishlist' }, as(bo)), 'createWishlist');
    expectError(await server.gql(CREATE_WISHLIST, { name: 'Wish\u200Blist' }, as(bo)), { code: 'BAD_USER_INPUT', field: 'name', reason: 'INVISIBLE_CHARACTER' });
  });
});
