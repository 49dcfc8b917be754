import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Loading } from '../../components/Loading';
import { PageTitle } from '../../components/PageTitle';
import { describeError } from '../../lib/errors';
import { formatDateTime, formatMoney } from '../../lib/format';
import { Link } from '../../lib/router';
import { QuantityControl } from './QuantityControl';
import { ClearCartDocument, RemoveFromCartDocument, SetCartQuantityDocument } from './cart.documents';
import { useLiveCart } from './use-live-cart';

/** The cart: change quantities, remove lines, totals computed by the server; updates live from other tabs and devices. */
export function CartView() {
  const { data, loading, error } = useLiveCart();
  const [setQuantity] = useMutation(SetCartQuantityDocument);
  const [remove] = useMutation(RemoveFromCartDocument);
  const [clear, { loading: clearing }] = useMutation(ClearCartDocument);
  const [problem, setProblem] = useState<string | null>(null);
  const run = async (action: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await action();
    } catch (err) {
      setProblem(describeError(err).message);
    }
  };

  if (loading && !data) return <Loading />;
  if (error && !data) return <Alert>{describeError(error).message}</Alert>;
  const cart = data!.myCart;
  return (
    <section aria-labelledby="cart-title">
      <PageTitle id="cart-title">Your cart</PageTitle>
      {problem && <Alert>{problem}</Alert>}
      {cart.items.length === 0 ? (
        <p>
          Your cart is empty. <Link to="/products">Browse the products</Link>.
        </p>
      ) : (
        <>
          <table className="cart">
            <caption className="visually-hidden">Items in your cart</caption>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Price</th>
                <th scope="col">Quantity</th>
                <th scope="col">Line total</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {cart.items.map(({ product, quantity, lineTotalCents }) => (
                <tr key={product.id}>
                  <th scope="row">{product.name}</th>
                  <td data-label="Price">{formatMoney(product.priceCents, product.currency)}</td>
                  <td>
                    <QuantityControl
                      id={`qty-${product.id}`}
                      productName={product.name}
                      quantity={quantity}
                      onChange={(next) => void run(() => setQuantity({ variables: { productId: product.id, quantity: next } }))}
                    />
                  </td>
                  <td data-label="Line total">{formatMoney(lineTotalCents, product.currency)}</td>
                  <td>
                    <Button variant="danger" onClick={() => void run(() => remove({ variables: { productId: product.id } }))} aria-label={`Remove ${product.name} from cart`}>
                      Remove
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={2}>
                  Total
                </th>
                <td data-testid="cart-count">
                  {cart.itemCount} item{cart.itemCount === 1 ? '' : 's'}
                </td>
                <td data-testid="cart-total">{formatMoney(cart.totalCents, cart.currency)}</td>
                <td />
              </tr>
            </tfoot>
          </table>
          <p className="muted">Last changed {formatDateTime(cart.updatedAt)}. Changes from your other tabs and devices appear here at once.</p>
          <Button variant="secondary" onClick={() => void run(() => clear())} busy={clearing} busyLabel="Emptying…">
            Empty the cart
          </Button>
        </>
      )}
    </section>
  );
}
