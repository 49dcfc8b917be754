import { defaultFieldResolver, isObjectType, type GraphQLFieldConfig, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { MapperKind, getDirective, mapSchema } from '@graphql-tools/utils';
import type { Context } from '../../context';
import { ForbiddenError } from '../../errors';
import { firstMissing, shortfallOf } from './grant';
import { isPermission, type Permission } from './permissions';
import { POLICIES, type Policy, type PolicyRefusal } from './policies';

/** One access rule from the SDL (Apollo Federation's authorization directives, plus @public). */
export type Rule =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'requiresScopes'; scopes: string[][] }
  | { kind: 'policy'; policies: string[][] };

export const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'] as const;

type Node = Parameters<typeof getDirective>[1];

/** The rules written on a field or type, in the order of the directive kinds. */
export function rulesOn(schema: GraphQLSchema, node: Node): Rule[] {
  const rules: Rule[] = [];
  if (getDirective(schema, node, 'public')?.length) rules.push({ kind: 'public' });
  if (getDirective(schema, node, 'authenticated')?.length) rules.push({ kind: 'authenticated' });
  for (const d of getDirective(schema, node, 'requiresScopes') ?? []) rules.push({ kind: 'requiresScopes', scopes: d.scopes as string[][] });
  for (const d of getDirective(schema, node, 'policy') ?? []) rules.push({ kind: 'policy', policies: d.policies as string[][] });
  return rules;
}

/** A rule as it reads in the SDL, e.g. `@requiresScopes(scopes: [["roles:manage"], ["users:read"]])`. */
export function printRule(rule: Rule): string {
  const lists = (v: string[][]) => `[${v.map((all) => `[${all.map((s) => JSON.stringify(s)).join(', ')}]`).join(', ')}]`;
  if (rule.kind === 'requiresScopes') return `@requiresScopes(scopes: ${lists(rule.scopes)})`;
  if (rule.kind === 'policy') return `@policy(policies: ${lists(rule.policies)})`;
  return `@${rule.kind}`;
}

/** Every Query, Mutation and Subscription field with the rules written on it ("Query.me" → rules). */
export function rootRules(schema: GraphQLSchema): Map<string, Rule[]> {
  const out = new Map<string, Rule[]>();
  for (const name of ROOT_TYPES) {
    const type = schema.getType(name);
    if (!type || !isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) out.set(`${name}.${field.name}`, rulesOn(schema, field));
  }
  return out;
}

/** Root fields that do not carry exactly one decision: they are refused (none) or ambiguous (several). */
export function undecidedFields(schema: GraphQLSchema): string[] {
  return [...rootRules(schema)].filter(([, rules]) => rules.length !== 1).map(([field, rules]) => `${field} (${rules.length ? rules.map((r) => '@' + r.kind).join(' ') : 'no rule'})`);
}

/**
 * Enforces the rules: each guarded field checks them before its resolver (and a subscription before it starts
 * listening, and again per event). A type's rules apply to each of its fields, together with the field's own.
 * A root field without a rule is refused (deny by default). A permission or policy name that does not exist
 * stops the start, so a typo in the SDL cannot silently deny or allow.
 */
export function applyAccessRules(schema: GraphQLSchema, policies: Record<string, Policy> = POLICIES): GraphQLSchema {
  const problems: string[] = [];
  const checked = (where: string, rules: Rule[]): Rule[] => {
    for (const rule of rules) {
      const lists = rule.kind === 'requiresScopes' ? rule.scopes : rule.kind === 'policy' ? rule.policies : null;
      if (!lists) continue;
      if (!lists.length || lists.some((all) => !all.length)) problems.push(`${where}: @${rule.kind} needs non-empty lists`);
      for (const name of lists.flat()) {
        if (rule.kind === 'requiresScopes' && !isPermission(name)) problems.push(`${where}: unknown permission "${name}"`);
        if (rule.kind === 'policy' && !Object.prototype.hasOwnProperty.call(policies, name)) problems.push(`${where}: unknown policy "${name}"`);
      }
    }
    return rules;
  };
  const typeRules = new Map<string, Rule[]>();
  const rulesOfType = (type: GraphQLNamedType) => {
    if (!typeRules.has(type.name)) typeRules.set(type.name, checked(type.name, rulesOn(schema, type)));
    return typeRules.get(type.name)!;
  };
  const mapped = mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const type = schema.getType(typeName)!;
      const rules = [...rulesOfType(type), ...checked(`${typeName}.${fieldName}`, rulesOn(schema, field as Node))];
      const root = (ROOT_TYPES as readonly string[]).includes(typeName);
      if (!rules.length && !root) return field;
      return guard(field, rules.filter((r) => r.kind !== 'public'), typeName, policies, root && !rules.length);
    },
  });
  if (problems.length) throw new TypeError(`access rules in schema/*.graphql: ${problems.join('; ')}`);
  return mapped;
}

function guard(field: GraphQLFieldConfig<unknown, Context>, rules: Rule[], typeName: string, policies: Record<string, Policy>, undecided: boolean): GraphQLFieldConfig<unknown, Context> {
  if (!rules.length && !undecided) return field; // @public
  const check = async (ctx: Context, source: unknown) => {
    if (undecided) throw new ForbiddenError('NO_RULE');
    const viewer = await ctx.getUser(); // UNAUTHENTICATED with its reason
    for (const rule of rules) {
      if (rule.kind === 'requiresScopes') {
        const grant = await ctx.getGrant();
        // Permissions held but gated by MFA_REQUIRED_FOR count here, so the refusal names the second factor.
        const held: ReadonlySet<string> = grant.gated ? new Set([...grant.effective, ...grant.gated]) : grant.effective;
        const missing = firstMissing(held, rule.scopes) as Permission | null;
        if (missing) throw new ForbiddenError(shortfallOf(grant, missing), missing);
        await requireSecondFactor(ctx, viewer.id, held, grant.tokenSecondFactor, rule.scopes);
      } else if (rule.kind === 'policy') {
        const input = { ctx, viewer, grant: () => ctx.getGrant(), source, typeName };
        const refusal = await firstRefusal(rule.policies, (name) => policies[name](input));
        if (refusal) throw new ForbiddenError(refusal.reason, refusal.missing);
      }
    }
  };
  const resolve = field.resolve ?? defaultFieldResolver;
  const { subscribe } = field;
  return {
    ...field,
    // A subscription is refused before it starts listening, not only when an event arrives.
    ...(subscribe ? { subscribe: async (source, args, ctx, info) => (await check(ctx, source), subscribe(source, args, ctx, info)) } : {}),
    resolve: async (source, args, ctx, info) => {
      await check(ctx, source);
      return resolve(source, args, ctx, info);
    },
  };
}

/** MFA_REQUIRED_FOR: when the alternative that let the viewer in uses a listed permission, it needs a second factor. */
async function requireSecondFactor(ctx: Context, userId: string, held: ReadonlySet<string>, tokenSecondFactor: boolean | null, scopes: string[][]): Promise<void> {
  const listed = ctx.config.mfa.requiredFor;
  if (!listed.length) return;
  const used = scopes.find((all) => all.every((p) => held.has(p))) ?? [];
  const permission = listed.find((p) => used.includes(p));
  if (permission) await ctx.services.stepUp.requireForPermission(ctx.em, userId, ctx.auth.claims, permission, tokenSecondFactor);
}

/** OR of ANDs, like @requiresScopes: null when one alternative passes, else a refusal of the alternative failing least. */
async function firstRefusal(alternatives: string[][], run: (name: string) => PolicyRefusal | Promise<PolicyRefusal>): Promise<PolicyRefusal> {
  let best: { count: number; refusal: NonNullable<PolicyRefusal> } | null = null;
  for (const all of alternatives) {
    const refusals: NonNullable<PolicyRefusal>[] = [];
    for (const name of all) {
      const refusal = await run(name);
      if (refusal) refusals.push(refusal);
    }
    if (!refusals.length) return null;
    if (!best || refusals.length < best.count) best = { count: refusals.length, refusal: refusals[0] };
  }
  return best?.refusal ?? null;
}
