import { useMutation, useQuery } from '@apollo/client/react';
import { useId, useState } from 'react';
import { Button } from '../../components/Button';
import { describeError } from '../../lib/errors';
import { AddToWishlistDocument, MyWishlistsDocument } from './wishlist.documents';

/** A wishlist picker and an "Add to wishlist" button for one product. */
export function AddToWishlist({ productId, productName }: { productId: string; productName: string }) {
  const id = useId();
  const { data } = useQuery(MyWishlistsDocument);
  const [add, { loading }] = useMutation(AddToWishlistDocument);
  const [choice, setChoice] = useState('');
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const wishlists = data?.myWishlists ?? [];
  if (wishlists.length === 0) return null;
  const selected = choice || wishlists[0].id;
  const onAdd = async () => {
    setMessage(null);
    try {
      const { data: added } = await add({ variables: { wishlistId: selected, productId } });
      setMessage({ error: false, text: `On “${added?.addToWishlist.name}”.` });
    } catch (err) {
      setMessage({ error: true, text: describeError(err).message });
    }
  };
  return (
    <span className="add-to-wishlist">
      <label htmlFor={id} className="visually-hidden">
        Wishlist for {productName}
      </label>
      <select id={id} value={selected} onChange={(event) => setChoice(event.target.value)}>
        {wishlists.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
      </select>
      <Button onClick={onAdd} busy={loading} busyLabel="Adding…" aria-label={`Add to wishlist: ${productName}`}>
        Add to wishlist
      </Button>
      <span role={message?.error ? 'alert' : 'status'} className={message?.error ? 'inline-error' : 'inline-notice'}>
        {message?.text}
      </span>
    </span>
  );
}
