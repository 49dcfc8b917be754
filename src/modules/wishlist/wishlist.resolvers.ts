import type { MutationResolvers, QueryResolvers, UserResolvers, WishlistResolvers } from '../../generated/graphql';

const myWishlists: NonNullable<QueryResolvers['myWishlists']> = async (_p, _a, ctx) =>
  ctx.services.wishlists.list(ctx.em, (await ctx.getUser()).id);

const wishlist: NonNullable<QueryResolvers['wishlist']> = async (_p, { id }, ctx) =>
  ctx.services.wishlists.find(ctx.em, (await ctx.getUser()).id, id);

const createWishlist: NonNullable<MutationResolvers['createWishlist']> = async (_p, { name }, ctx) =>
  ctx.services.wishlists.create(ctx.em, await ctx.getUser(), name);

const renameWishlist: NonNullable<MutationResolvers['renameWishlist']> = async (_p, { id, name }, ctx) =>
  ctx.services.wishlists.rename(ctx.em, await ctx.getUser(), id, name);

const deleteWishlist: NonNullable<MutationResolvers['deleteWishlist']> = async (_p, { id }, ctx) =>
  ctx.services.wishlists.delete(ctx.em, await ctx.getUser(), id);

const addToWishlist: NonNullable<MutationResolvers['addToWishlist']> = async (_p, { wishlistId, productId }, ctx) =>
  ctx.services.wishlists.addProduct(ctx.em, await ctx.getUser(), wishlistId, productId);

const removeFromWishlist: NonNullable<MutationResolvers['removeFromWishlist']> = async (_p, { wishlistId, productId }, ctx) =>
  ctx.services.wishlists.removeProduct(ctx.em, await ctx.getUser(), wishlistId, productId);

const User: Pick<UserResolvers, 'wishlists'> = {
  // @policy(owner) has checked: the viewer's own, or carts:read over an account it outranks.
  wishlists: (user, _a, ctx) => ctx.services.wishlists.list(ctx.em, user.id),
};

const Wishlist: WishlistResolvers = {
  products: (list, { first }, ctx) => ctx.services.wishlists.products(list, first ?? 100),
  productCount: (list, _a, ctx) => ctx.services.wishlists.productCount(list),
  productPage: (list, { first, after }, ctx) => ctx.services.wishlists.productPage(ctx.em, list, first ?? 20, after),
};

export const wishlistResolvers = {
  Query: { myWishlists, wishlist },
  Mutation: { createWishlist, renameWishlist, deleteWishlist, addToWishlist, removeFromWishlist },
  User,
  Wishlist,
};
