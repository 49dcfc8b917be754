import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { Config } from './config';

/**
 * Depth, alias, directive and cost limits as validation rules (so a refusal is a 400), and field
 * suggestions hidden in production. Token counting is left to Apollo's parser (parseOptions.maxTokens):
 * armor's own token plugin turns a syntax error into a 500.
 */
export function armor(config: Config) {
  const limits = config.graphqlLimits;
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases, allowList: [] }, // __typename aliases count too
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: config.env === 'production' },
  }).protect();
  return { plugins, validationRules };
}
