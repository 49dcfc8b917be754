import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ValidationContext } from 'graphql';
import type { Config } from './config';
import { costLimitRule } from './cost';
import { QueryLimitError, type QueryLimit } from './errors';

/** Armor's refusals are worded "Syntax Error: …": ours are QUERY_LIMIT_EXCEEDED, naming the limit and its value. */
const refuse = (limit: QueryLimit, max: number) => ({
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null) => context?.reportError(new QueryLimitError(limit, max))],
});

/**
 * Depth, alias, directive and cost limits as validation rules (so a refusal is a 400). Token counting is left to Apollo's parser (parseOptions.maxTokens):
 * armor's own token plugin turns a syntax error into a 500. The cost is ours (cost.ts): armor's counts no
 * list without a `first` argument.
 */
export function armor(config: Config) {
  const limits = config.graphqlLimits;
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, ...refuse('DEPTH', limits.maxDepth) },
    maxAliases: { n: limits.maxAliases, allowList: [], ...refuse('ALIASES', limits.maxAliases) }, // __typename aliases count too
    maxDirectives: { n: limits.maxDirectives, ...refuse('DIRECTIVES', limits.maxDirectives) },
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    // Suggestions are cut in formatError (every form, HTTP and WebSocket); armor's plugin would add a listener per request.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return { plugins, validationRules: [...validationRules, costLimitRule(limits.maxCost)] };
}
