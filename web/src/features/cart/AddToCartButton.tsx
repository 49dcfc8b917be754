import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Button } from '../../components/Button';
import { describeError } from '../../lib/errors';
import { AddToCartDocument } from './cart.documents';

export function AddToCartButton({ productId, productName }: { productId: string; productName: string }) {
  const [add, { loading }] = useMutation(AddToCartDocument);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const onClick = async () => {
    setMessage(null);
    try {
      const { data } = await add({ variables: { productId, quantity: 1 } });
      const line = data?.addToCart.items.find((item) => item.product.id === productId);
      setMessage({ error: false, text: `In your cart: ${line?.quantity ?? 1}.` });
    } catch (error) {
      setMessage({ error: true, text: describeError(error).message });
    }
  };
  return (
    <span className="add-to-cart">
      {/* The visible words come first in the name (WCAG 2.5.3), the product after them for screen readers. */}
      <Button variant="primary" onClick={onClick} busy={loading} busyLabel="Adding…" aria-label={`Add to cart: ${productName}`}>
        Add to cart
      </Button>
      <span role={message?.error ? 'alert' : 'status'} className={message?.error ? 'inline-error' : 'inline-notice'}>
        {message?.text}
      </span>
    </span>
  );
}
