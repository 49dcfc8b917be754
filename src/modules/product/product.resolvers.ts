import type { MutationResolvers, ProductConnectionResolvers, QueryResolvers } from '../../generated/graphql';
import { edgesOf, pageInfoOf } from '../../lib/pagination';
import { PRODUCT_CURSOR } from './product.service';

const products: NonNullable<QueryResolvers['products']> = (_p, { first, after, search }, ctx) =>
  ctx.services.products.page(ctx.em, first ?? 20, after, search);

const product: NonNullable<QueryResolvers['product']> = (_p, { id }, ctx) => ctx.services.products.find(ctx.em, id);

const createProduct: NonNullable<MutationResolvers['createProduct']> = async (_p, { input }, ctx) =>
  ctx.services.products.create(ctx.em, { user: await ctx.getUser(), meta: ctx.meta }, input);

const updateProduct: NonNullable<MutationResolvers['updateProduct']> = async (_p, { id, input }, ctx) =>
  ctx.services.products.update(ctx.em, { user: await ctx.getUser(), meta: ctx.meta }, id, input);

const deleteProduct: NonNullable<MutationResolvers['deleteProduct']> = async (_p, { id }, ctx) =>
  ctx.services.products.delete(ctx.em, { user: await ctx.getUser(), meta: ctx.meta }, id);

const ProductConnection: ProductConnectionResolvers = {
  edges: (page) => edgesOf(PRODUCT_CURSOR, page.products),
  pageInfo: (page) => pageInfoOf(PRODUCT_CURSOR, page.products, page.hasNextPage),
};

export const productResolvers = { Query: { products, product }, Mutation: { createProduct, updateProduct, deleteProduct }, ProductConnection };
