import { graphql } from '../../gql';

export const CartFieldsFragment = graphql(`
  fragment CartFields on Cart {
    items {
      quantity
      lineTotalCents
      product {
        id
        name
        priceCents
        currency
      }
    }
    totalCents
    currency
    itemCount
    updatedAt
  }
`);

export const MyCartDocument = graphql(`
  query MyCart {
    myCart {
      ...CartFields
    }
  }
`);

/** The viewer's cart after every change from any tab or device; Apollo's cache (Cart is a singleton) updates every view. */
export const CartChangedDocument = graphql(`
  subscription CartChanged {
    cartChanged {
      ...CartFields
    }
  }
`);

export const AddToCartDocument = graphql(`
  mutation AddToCart($productId: ID!, $quantity: Int) {
    addToCart(productId: $productId, quantity: $quantity) {
      ...CartFields
    }
  }
`);

export const SetCartQuantityDocument = graphql(`
  mutation SetCartQuantity($productId: ID!, $quantity: Int!) {
    setCartQuantity(productId: $productId, quantity: $quantity) {
      ...CartFields
    }
  }
`);

export const RemoveFromCartDocument = graphql(`
  mutation RemoveFromCart($productId: ID!) {
    removeFromCart(productId: $productId) {
      ...CartFields
    }
  }
`);

export const ClearCartDocument = graphql(`
  mutation ClearCart {
    clearCart {
      ...CartFields
    }
  }
`);
