import { operationNameIn } from '../../web/src/features/explorer/explorer-fetcher';

/** The explorer's fetcher sends the operation the document has, whatever name GraphiQL still holds from before an edit. */
describe('operationNameIn', () => {
  it('keeps a name the document has', () => {
    expect(operationNameIn({ query: 'query A { me { id } } query B { me { id } }', operationName: 'B' })).toBe('B');
  });

  it('replaces a stale name with the only operation of the document', () => {
    expect(operationNameIn({ query: 'query Products { products(first: 1) { totalCount } }', operationName: 'Me' })).toBe('Products');
    expect(operationNameIn({ query: '{ products(first: 1) { totalCount } }', operationName: 'Me' })).toBeUndefined();
  });

  it('drops a stale name when the document has several operations (the server then asks which)', () => {
    expect(operationNameIn({ query: 'query A { me { id } } query B { me { id } }', operationName: 'Me' })).toBeUndefined();
  });

  it('leaves what it cannot read to the server', () => {
    expect(operationNameIn({ query: 'query Products {', operationName: 'Me' })).toBe('Me');
    expect(operationNameIn({ query: 'query Products { me { id } }', operationName: null })).toBeNull();
  });
});
