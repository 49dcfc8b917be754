import { graphql } from '../../gql';

/** The first products of each list only: all of them for up to 50 lists would pass the server's cost limit. */
export const WishlistFieldsFragment = graphql(`
  fragment WishlistFields on Wishlist {
    id
    name
    productCount
    products(first: 10) {
      id
      name
      priceCents
      currency
    }
    updatedAt
  }
`);

export const WishlistProductsDocument = graphql(`
  query WishlistProducts($id: ID!, $after: String) {
    wishlist(id: $id) {
      id
      productPage(first: 100, after: $after) {
        edges {
          node {
            id
            name
            priceCents
            currency
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
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
