import { useQuery } from '@apollo/client/react';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Loading } from '../../components/Loading';
import { PageTitle } from '../../components/PageTitle';
import { graphql } from '../../gql';
import type { ProductsQuery } from '../../gql/graphql';
import { describeError } from '../../lib/errors';
import { formatMoney } from '../../lib/format';

const ProductsDocument = graphql(`
  query Products($first: Int, $after: String, $search: String) {
    products(first: $first, after: $after, search: $search) {
      edges {
        cursor
        node {
          id
          name
          description
          priceCents
          currency
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      totalCount
    }
  }
`);

export type CatalogueProduct = ProductsQuery['products']['edges'][number]['node'];

const PAGE_SIZE = 10;

/** The catalogue, searchable and paged. `actions` adds controls per product (the app passes cart and wishlist buttons). */
export function Catalogue({ actions, children }: { actions?: (product: CatalogueProduct) => ReactNode; children?: ReactNode }) {
  const [search, setSearch] = useState('');
  // Cursors of the pages before the current one ("after" values); the first page has none.
  const [pages, setPages] = useState<Array<string | null>>([null]);
  const after = pages[pages.length - 1];
  const { data, loading, error } = useQuery(ProductsDocument, { variables: { first: PAGE_SIZE, after, search: search || null } });

  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSearch(String(new FormData(event.currentTarget).get('search') ?? '').trim());
    setPages([null]);
  };
  const products = data?.products;
  const page = pages.length;
  const pageCount = products ? Math.max(1, Math.ceil(products.totalCount / PAGE_SIZE)) : 1;

  return (
    <section aria-labelledby="catalogue-title">
      <PageTitle id="catalogue-title">Products</PageTitle>
      {children}
      <form role="search" onSubmit={onSearch} className="inline-form">
        <label htmlFor="product-search">Search products</label>
        <input id="product-search" name="search" type="search" defaultValue={search} />
        <Button type="submit">Search</Button>
      </form>
      {error && <Alert>{describeError(error).message}</Alert>}
      {loading && !products && <Loading />}
      {products && (
        <>
          <p role="status" className="summary">
            {products.totalCount === 0
              ? search
                ? `No products match “${search}”.`
                : 'No products yet. An administrator can add some.'
              : `${products.totalCount} product${products.totalCount === 1 ? '' : 's'}${search ? ` matching “${search}”` : ''}; page ${page} of ${pageCount}.`}
          </p>
          <ul className="products">
            {products.edges.map(({ node }) => (
              <li key={node.id} className="product" aria-labelledby={`product-${node.id}`}>
                <h2 id={`product-${node.id}`}>{node.name}</h2>
                <p className="price">{formatMoney(node.priceCents, node.currency)}</p>
                {node.description && <p className="description">{node.description}</p>}
                {actions && <div className="actions">{actions(node)}</div>}
              </li>
            ))}
          </ul>
          {/* Paging controls only when there is another page to go to: an empty or one-page result has none. */}
          {(page > 1 || products.pageInfo.hasNextPage) && (
            <nav aria-label="Pages" className="pager">
              <Button onClick={() => setPages(pages.slice(0, -1))} disabled={page === 1 || loading}>
                Previous page
              </Button>
              <Button onClick={() => setPages([...pages, products.pageInfo.endCursor ?? null])} disabled={!products.pageInfo.hasNextPage || loading}>
                Next page
              </Button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}
