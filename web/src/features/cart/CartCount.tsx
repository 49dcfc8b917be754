import { useLiveCart } from './use-live-cart';

/** "Cart 3" in the navigation; also what keeps the live connection open while signed in. */
export function CartCount() {
  const { data } = useLiveCart();
  const count = data?.myCart.itemCount ?? 0;
  return (
    <>
      Cart
      {count > 0 && (
        <>
          <span className="badge" aria-hidden="true" data-testid="cart-badge">
            {count}
          </span>
          <span className="visually-hidden">
            , {count} item{count === 1 ? '' : 's'}
          </span>
        </>
      )}
    </>
  );
}
