import { useQuery, useSubscription } from '@apollo/client/react';
import { CartChangedDocument, MyCartDocument } from './cart.documents';

/**
 * The viewer's cart, kept current by the `cartChanged` subscription: a change made in another tab or on another
 * device arrives over the WebSocket and lands in Apollo's cache, which re-renders every view of the cart.
 */
export function useLiveCart() {
  useSubscription(CartChangedDocument);
  return useQuery(MyCartDocument);
}
