import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { BadUserInputError, QueryLimitError } from './errors';

/** A list field without @listSize is assumed this long (the largest page any field serves). */
export const DEFAULT_LIST_SIZE = 100;

interface ListSize {
  max: number;
  slicingArgument?: string;
  sizedFields?: Set<string>;
}

/** @listSize(max, slicingArgument, sizedFields) of a field definition (schema/base.graphql), read once per field. */
const sizes = new WeakMap<GraphQLField<unknown, unknown>, ListSize | null>();
function listSizeOf(field: GraphQLField<unknown, unknown>): ListSize | null {
  let found = sizes.get(field);
  if (found !== undefined) return found;
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'listSize');
  found = null;
  if (directive) {
    const arg = (name: string) => directive.arguments?.find((a) => a.name.value === name)?.value;
    const max = arg('max');
    const slicing = arg('slicingArgument');
    const sized = arg('sizedFields');
    found = {
      max: max?.kind === Kind.INT ? Number(max.value) : DEFAULT_LIST_SIZE,
      slicingArgument: slicing?.kind === Kind.STRING ? slicing.value : undefined,
      sizedFields: sized?.kind === Kind.LIST ? new Set(sized.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : []))) : undefined,
    };
  }
  sizes.set(field, found);
  return found;
}

/** @cost(weight) of a field definition: what it costs itself in place of 1 (a count or an aggregate over a table). */
const weights = new WeakMap<GraphQLField<unknown, unknown>, number>();
function weightOf(field: GraphQLField<unknown, unknown>): number {
  let weight = weights.get(field);
  if (weight !== undefined) return weight;
  const value = field.astNode?.directives?.find((d) => d.name.value === 'cost')?.arguments?.find((a) => a.name.value === 'weight')?.value;
  weight = value?.kind === Kind.INT ? Number(value.value) : 1;
  weights.set(field, weight);
  return weight;
}

/**
 * GRAPHQL_MAX_COST counted in values the answer can hold: every field is 1 plus its children, and a list
 * field is that times its length, which is its page size (`first`, capped at the field's @listSize max), its
 * maximum length, or DEFAULT_LIST_SIZE. A page size given as a number past the maximum is refused as
 * BAD_USER_INPUT first (a variable is checked by the resolver, and costed at the maximum). Introspection is free.
 */
export function costLimitRule(maxCost: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const root = context.getSchema().getRootType(operation.operation);
      if (!root) return;
      const walk = new CostWalk(context);
      const cost = walk.selections(operation.selectionSet, root, null, new Set());
      if (walk.badInput) return; // already reported: the argument is the client's first mistake
      if (cost > maxCost) context.reportError(new QueryLimitError('COST', maxCost, { cost }));
    },
  });
}

class CostWalk {
  badInput = false;
  private readonly schema: GraphQLSchema;

  constructor(private readonly context: ValidationContext) {
    this.schema = context.getSchema();
  }

  /** `sized`: the length a connection gave the list fields it names (its `edges`). */
  selections(set: SelectionSetNode, type: GraphQLCompositeType, sized: { names: Set<string>; size: number } | null, spreads: Set<string>): number {
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) cost += this.field(selection, type, sized, spreads);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : type;
        if (on && isCompositeType(on)) cost += this.selections(selection.selectionSet, on, sized, spreads);
      } else {
        const name = selection.name.value;
        const fragment = this.context.getFragment(name);
        const on = fragment && this.schema.getType(fragment.typeCondition.name.value);
        if (!fragment || !on || !isCompositeType(on) || spreads.has(name)) continue; // cycles are another rule's error
        cost += this.selections(fragment.selectionSet, on, sized, new Set(spreads).add(name));
      }
    }
    return cost;
  }

  private field(node: FieldNode, parent: GraphQLCompositeType, sized: { names: Set<string>; size: number } | null, spreads: Set<string>): number {
    const name = node.name.value;
    if (name === '__typename') return 1;
    if (name === '__schema' || name === '__type') return 0;
    const def = 'getFields' in parent ? parent.getFields()[name] : undefined;
    if (!def) return 0; // an unknown field: another rule's error
    const declared = listSizeOf(def as GraphQLField<unknown, unknown>);
    const size = declared ? this.size(node, def as GraphQLField<unknown, unknown>, declared) : DEFAULT_LIST_SIZE;
    const named = getNamedType(def.type);
    const inner = declared?.sizedFields ? { names: declared.sizedFields, size } : null;
    const own = weightOf(def as GraphQLField<unknown, unknown>) + (node.selectionSet && isCompositeType(named) ? this.selections(node.selectionSet, named, inner, spreads) : 0);
    if (sized?.names.has(name)) return sized.size * own;
    return isListType(getNullableType(def.type)) && !declared?.sizedFields ? size * own : own;
  }

  /** The page size asked for, capped at the declared maximum; a literal past it is BAD_USER_INPUT. */
  private size(node: FieldNode, def: GraphQLField<unknown, unknown>, declared: ListSize): number {
    const slicing = declared.slicingArgument;
    if (!slicing) return declared.max;
    const value = node.arguments?.find((a) => a.name.value === slicing)?.value;
    if (!value) {
      const fallback = def.args.find((a) => a.name === slicing)?.defaultValue;
      return typeof fallback === 'number' ? Math.min(Math.max(fallback, 0), declared.max) : declared.max;
    }
    if (value.kind !== Kind.INT) return declared.max; // a variable: checked when the field runs
    const n = Number(value.value);
    if (n < 1 || n > declared.max) {
      this.badInput = true;
      this.context.reportError(new BadUserInputError(slicing, `${slicing} must be between 1 and ${declared.max}.`));
    }
    return Math.min(Math.max(n, 0), declared.max);
  }
}
