import { parseRedirect, withParams } from '../../../src/modules/oidc/redirect';

const ORIGIN = 'https://tokengate.example';
const ALLOWED = ['https://app.example.com', 'http://localhost:5173'];
const parse = (raw: string | undefined) => parseRedirect(raw, ORIGIN, ALLOWED);

describe('parseRedirect', () => {
  it('accepts same-origin paths, keeping query and fragment, and defaults to "/"', () => {
    expect(parse('/app/x?y=1#z')).toEqual({ url: `${ORIGIN}/app/x?y=1#z`, sameOrigin: true });
    expect(parse(undefined)).toEqual({ url: `${ORIGIN}/`, sameOrigin: true });
    expect(parse('')).toEqual({ url: `${ORIGIN}/`, sameOrigin: true });
    expect(parse(`${ORIGIN}/app`)).toEqual({ url: `${ORIGIN}/app`, sameOrigin: true });
  });

  it('normalises dot segments without leaving the origin', () => {
    expect(parse('/a/../../../b')).toEqual({ url: `${ORIGIN}/b`, sameOrigin: true });
    expect(parse('/%2F%2Fevil.example')!.url.startsWith(`${ORIGIN}/`)).toBe(true);
  });

  it('accepts absolute URLs on allowed origins as other-origin targets', () => {
    expect(parse('https://app.example.com/cb?x=1')).toEqual({ url: 'https://app.example.com/cb?x=1', sameOrigin: false });
    expect(parse('http://localhost:5173/')).toEqual({ url: 'http://localhost:5173/', sameOrigin: false });
  });

  it.each([
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\/evil.example',
    '/\t/evil.example',
    '/ /evil.example',
    '/\u0000',
    '/app\nx',
    'javascript:alert(1)',
    ' javascript:alert(1)',
    'data:text/html,x',
    'vbscript:x',
    'ftp://app.example.com/',
    'https://evil.example/',
    'https://app.example.com:444/',
    'http://app.example.com/',
    'https://app.example.com.evil.example/',
    'https://app.example.com@evil.example/',
    'https://x:y@app.example.com/',
    'https://tokengate.example.evil.example/',
    'evil.example',
    'app',
    '?x',
    '#x',
    '/' + 'a'.repeat(2048),
  ])('refuses %j', (raw) => {
    expect(parse(raw)).toBeNull();
  });
});

describe('withParams', () => {
  it('adds parameters before the fragment and replaces one of the same name', () => {
    expect(withParams('https://app.example.com/cb?x=1&code=old#top', { code: 'tgc_1' })).toBe('https://app.example.com/cb?x=1&code=tgc_1#top');
    expect(withParams(`${ORIGIN}/`, { error: 'ACCESS_DENIED' })).toBe(`${ORIGIN}/?error=ACCESS_DENIED`);
  });
});
