import { defaultFieldResolver, type GraphQLFieldConfig, type GraphQLSchema } from 'graphql';
import { MapperKind, getDirective, mapSchema } from '@graphql-tools/utils';
import { ForbiddenError } from '../../errors';
import type { Context } from '../../context';
import type { Role } from '../user/user.entity';

/**
 * Applies `@auth(requires: Role)` from the SDL: the field resolves only for an active, signed-in user
 * whose database role satisfies it. A directive on a type guards each of its fields.
 */
export function applyAuthDirective(schema: GraphQLSchema): GraphQLSchema {
  const requirementOf = (node: Parameters<typeof getDirective>[1]): Role | undefined =>
    getDirective(schema, node, 'auth')?.[0]?.requires as Role | undefined;
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, _name, typeName) => {
      const type = schema.getType(typeName);
      const requires = requirementOf(field) ?? (type ? requirementOf(type) : undefined);
      return requires ? guard(field, requires) : field;
    },
  });
}

function guard(field: GraphQLFieldConfig<unknown, Context>, requires: Role): GraphQLFieldConfig<unknown, Context> {
  const resolve = field.resolve ?? defaultFieldResolver;
  const check = async (ctx: Context) => {
    const user = await ctx.getUser();
    if (requires === 'ADMIN' && user.role !== 'ADMIN') throw new ForbiddenError('INSUFFICIENT_ROLE');
  };
  const { subscribe } = field;
  return {
    ...field,
    // A subscription is refused before it starts listening, not only when an event arrives.
    ...(subscribe ? { subscribe: async (source, args, ctx, info) => (await check(ctx), subscribe(source, args, ctx, info)) } : {}),
    resolve: async (source, args, ctx, info) => {
      await check(ctx);
      return resolve(source, args, ctx, info);
    },
  };
}
