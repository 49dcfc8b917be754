import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { constantListener } from '../errors';

/**
 * `Cache-Control: no-store` on every GraphQL answer, as Apollo's default cache-control plugin writes it when no field
 * sets a hint (none does here); that plugin also wraps every field resolver to collect hints, which this one does not.
 */
export const noStorePlugins: ApolloServerPlugin[] = [
  ApolloServerPluginCacheControlDisabled(),
  {
    requestDidStart: constantListener({
      async willSendResponse({ response }) {
        if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', 'no-store');
      },
    }),
  },
];
