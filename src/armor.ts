import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Config } from './config';
import { constantListener } from './errors';

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
    // armor's own plugin builds a listener for every request; hideSuggestions does its work with one.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return { plugins: config.env === 'production' ? [...plugins, hideSuggestions] : plugins, validationRules };
}

/** Field suggestions ("Did you mean …") masked as armor's blockFieldSuggestion masks them: they map the schema for a stranger. */
const hideSuggestions: ApolloServerPlugin = {
  requestDidStart: constantListener({
    async didEncounterErrors({ errors }) {
      for (const error of errors) (error as { message: string }).message = error.message.replace(/Did you mean ".+"/g, '[Suggestion hidden]');
    },
  }),
};
