import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { PageTitle } from '../../components/PageTitle';
import type { WishlistFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../lib/errors';
import { formatMoney } from '../../lib/format';
import { Link } from '../../lib/router';
import { CreateWishlistDocument, DeleteWishlistDocument, MyWishlistsDocument, RemoveFromWishlistDocument, RenameWishlistDocument, WishlistProductsDocument } from './wishlist.documents';

/** Create, rename and delete wishlists; remove products from them (add them from the product list). */
export function WishlistsView() {
  const { data, loading, error } = useQuery(MyWishlistsDocument);
  const [create, { loading: creating }] = useMutation(CreateWishlistDocument, { refetchQueries: [MyWishlistsDocument] });
  const [problem, setProblem] = useState<string | null>(null);

  const onCreate = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    setProblem(null);
    try {
      await create({ variables: { name: String(new FormData(form).get('name')) } });
      form.reset();
    } catch (err) {
      setProblem(describeError(err).message);
    }
  };

  return (
    <section aria-labelledby="wishlists-title">
      <PageTitle id="wishlists-title">Wishlists</PageTitle>
      {/* The field's label names it; an aria-label on the form too made screen readers say "New wishlist" twice. */}
      <form onSubmit={onCreate} className="inline-form">
        <Field label="New wishlist" name="name" required maxLength={80} error={problem ?? undefined} />
        <Button type="submit" busy={creating} busyLabel="Creating…">
          Create
        </Button>
      </form>
      {error && <Alert>{describeError(error).message}</Alert>}
      {loading && !data && <Loading />}
      {data && data.myWishlists.length === 0 && <p>No wishlists yet. Create one, then add products from the product list.</p>}
      {data?.myWishlists.map((wishlist) => <WishlistCard key={wishlist.id} wishlist={wishlist} />)}
    </section>
  );
}

function WishlistCard({ wishlist }: { wishlist: WishlistFieldsFragment }) {
  const [renaming, setRenaming] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [rename, { loading: saving }] = useMutation(RenameWishlistDocument);
  const [remove, { loading: deleting }] = useMutation(DeleteWishlistDocument, { refetchQueries: [MyWishlistsDocument] });
  const [removeProduct] = useMutation(RemoveFromWishlistDocument, { refetchQueries: showAll ? [WishlistProductsDocument] : [] });
  const titleId = `wishlist-${wishlist.id}`;

  const run = async (action: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await action();
      return true;
    } catch (err) {
      setProblem(describeError(err).message);
      return false;
    }
  };
  const onRemove = (productId: string) => void run(() => removeProduct({ variables: { wishlistId: wishlist.id, productId } }));
  const onRename = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name'));
    if (await run(() => rename({ variables: { id: wishlist.id, name } }))) setRenaming(false);
  };

  return (
    <article className="wishlist" aria-labelledby={titleId}>
      {renaming ? (
        <form onSubmit={onRename} className="inline-form" aria-label={`Rename ${wishlist.name}`}>
          <Field label="New name" name="name" defaultValue={wishlist.name} required maxLength={80} autoFocus />
          <Button type="submit" busy={saving} busyLabel="Saving…">
            Save
          </Button>
          <Button onClick={() => setRenaming(false)}>Cancel</Button>
        </form>
      ) : (
        <h2 id={titleId}>{wishlist.name}</h2>
      )}
      {problem && <Alert>{problem}</Alert>}
      {wishlist.productCount === 0 ? (
        <p className="muted">
          Empty. Add products from the <Link to="/products">product list</Link>.
        </p>
      ) : showAll ? (
        <AllProducts wishlist={wishlist} onRemove={onRemove} />
      ) : (
        <>
          <ul className="plain">
            {wishlist.products.map((product) => (
              <ProductLine key={product.id} product={product} wishlistName={wishlist.name} onRemove={onRemove} />
            ))}
          </ul>
          {wishlist.productCount > wishlist.products.length && (
            <Button variant="link" onClick={() => setShowAll(true)}>
              Show all {wishlist.productCount} products
            </Button>
          )}
        </>
      )}
      <div className="actions">
        {!renaming && (
          <Button onClick={() => setRenaming(true)} aria-label={`Rename ${wishlist.name}`}>
            Rename
          </Button>
        )}
        {confirming ? (
          <span role="group" aria-label={`Delete ${wishlist.name}?`}>
            <Button variant="danger" busy={deleting} busyLabel="Deleting…" onClick={() => void run(() => remove({ variables: { id: wishlist.id } }))} autoFocus>
              Yes, delete “{wishlist.name}”
            </Button>
            <Button onClick={() => setConfirming(false)}>Keep it</Button>
          </span>
        ) : (
          <Button variant="danger" onClick={() => setConfirming(true)} aria-label={`Delete ${wishlist.name}`}>
            Delete
          </Button>
        )}
      </div>
    </article>
  );
}

type WishlistProduct = WishlistFieldsFragment['products'][number];

function ProductLine({ product, wishlistName, onRemove }: { product: WishlistProduct; wishlistName: string; onRemove: (productId: string) => void }) {
  return (
    <li>
      {product.name} · {formatMoney(product.priceCents, product.currency)}{' '}
      <Button variant="link" onClick={() => onRemove(product.id)} aria-label={`Remove ${product.name} from ${wishlistName}`}>
        Remove
      </Button>
    </li>
  );
}

/** Every product of a list, 100 a page (a list holds up to 500). */
function AllProducts({ wishlist, onRemove }: { wishlist: WishlistFieldsFragment; onRemove: (productId: string) => void }) {
  // Cursors of the pages before the current one ("after" values); the first page has none.
  const [pages, setPages] = useState<Array<string | null>>([null]);
  const { data, loading, error } = useQuery(WishlistProductsDocument, { variables: { id: wishlist.id, after: pages[pages.length - 1] } });
  const page = data?.wishlist?.productPage;
  if (error) return <Alert>{describeError(error).message}</Alert>;
  if (!page) return <Loading />;
  return (
    <>
      <ul className="plain">
        {page.edges.map(({ node }) => (
          <ProductLine key={node.id} product={node} wishlistName={wishlist.name} onRemove={onRemove} />
        ))}
      </ul>
      {(pages.length > 1 || page.pageInfo.hasNextPage) && (
        <nav aria-label={`Pages of ${wishlist.name}`} className="pager">
          <Button onClick={() => setPages(pages.slice(0, -1))} disabled={pages.length === 1 || loading}>
            Previous page
          </Button>
          <Button onClick={() => setPages([...pages, page.pageInfo.endCursor ?? null])} disabled={!page.pageInfo.hasNextPage || loading}>
            Next page
          </Button>
        </nav>
      )}
    </>
  );
}
