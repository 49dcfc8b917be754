import type { CartItemResolvers, CartResolvers, MutationResolvers, QueryResolvers, UserResolvers } from '../../generated/graphql';
import { DEFAULT_CURRENCY } from '../product/product.input';
import { TOTAL_MAX } from './cart.service';

const myCart: NonNullable<QueryResolvers['myCart']> = async (_p, _a, ctx) => ctx.services.carts.view(ctx.em, await ctx.getUser());

const addToCart: NonNullable<MutationResolvers['addToCart']> = async (_p, { productId, quantity }, ctx) =>
  ctx.services.carts.add(ctx.em, await ctx.getUser(), productId, quantity ?? 1);

const setCartQuantity: NonNullable<MutationResolvers['setCartQuantity']> = async (_p, { productId, quantity }, ctx) =>
  ctx.services.carts.set(ctx.em, await ctx.getUser(), productId, quantity);

const removeFromCart: NonNullable<MutationResolvers['removeFromCart']> = async (_p, { productId }, ctx) =>
  ctx.services.carts.remove(ctx.em, await ctx.getUser(), productId);

const clearCart: NonNullable<MutationResolvers['clearCart']> = async (_p, _a, ctx) => ctx.services.carts.clear(ctx.em, await ctx.getUser());

const User: Pick<UserResolvers, 'cart'> = {
  // @policy(owner) has checked: the viewer's own, or carts:read over an account it outranks.
  cart: (user, _a, ctx) => ctx.services.carts.view(ctx.em, user),
};

/**
 * Writes keep every total within TOTAL_MAX; should a cart still hold more (rows changed by hand, data from an older
 * release) it reads as TOTAL_MAX instead of failing every read of the cart with a non-32-bit Int.
 */
const asInt = (cents: number) => Math.min(cents, TOTAL_MAX);

// Totals come from the lines as loaded, never from the client.
const Cart: CartResolvers = {
  items: (cart) => cart.lines,
  totalCents: (cart) => asInt(cart.lines.reduce((sum, line) => sum + line.quantity * line.product.priceCents, 0)),
  currency: (cart) => cart.lines[0]?.product.currency ?? DEFAULT_CURRENCY,
  itemCount: (cart) => cart.lines.reduce((sum, line) => sum + line.quantity, 0),
  updatedAt: (cart) => cart.shopper?.cartUpdatedAt ?? cart.owner.createdAt,
};

const CartItem: CartItemResolvers = {
  lineTotalCents: (line) => asInt(line.quantity * line.product.priceCents),
};

export const cartResolvers = { Query: { myCart }, Mutation: { addToCart, setCartQuantity, removeFromCart, clearCart }, User, Cart, CartItem };
