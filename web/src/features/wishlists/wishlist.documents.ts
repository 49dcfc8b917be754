import { graphql } from '../../gql';

export const WishlistFieldsFragment = graphql(`
  fragment WishlistFields on Wishlist {
    id
    name
    products {
      id
      name
      priceCents
      currency
    }
    updatedAt
  }
`);

export const MyWishlistsDocument = graphql(`
  query MyWishlists {
    myWishlists {
      ...WishlistFields
    }
  }
`);

export const CreateWishlistDocument = graphql(`
  mutation CreateWishlist($name: String!) {
    createWishlist(name: $name) {
      ...WishlistFields
    }
  }
`);

export const RenameWishlistDocument = graphql(`
  mutation RenameWishlist($id: ID!, $name: String!) {
    renameWishlist(id: $id, name: $name) {
      ...WishlistFields
    }
  }
`);

export const DeleteWishlistDocument = graphql(`
  mutation DeleteWishlist($id: ID!) {
    deleteWishlist(id: $id)
  }
`);

export const AddToWishlistDocument = graphql(`
  mutation AddToWishlist($wishlistId: ID!, $productId: ID!) {
    addToWishlist(wishlistId: $wishlistId, productId: $productId) {
      ...WishlistFields
    }
  }
`);

export const RemoveFromWishlistDocument = graphql(`
  mutation RemoveFromWishlist($wishlistId: ID!, $productId: ID!) {
    removeFromWishlist(wishlistId: $wishlistId, productId: $productId) {
      ...WishlistFields
    }
  }
`);
