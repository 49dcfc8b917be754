import type { ApolloServerPlugin } from '@apollo/server';
import { AppError } from '../errors';

/** A subscription sent over HTTP: graphql-js would run it as a one-off query, with no event to resolve. */
export class SubscriptionOverHttpError extends AppError {
  constructor() {
    super('Subscriptions run over WebSocket (graphql-transport-ws on /graphql), not over HTTP.', 'BAD_REQUEST', 400);
  }
}

/** Refuses subscription operations at the HTTP edge, before anything runs. */
export const subscriptionsOverHttpPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation === 'subscription') throw new SubscriptionOverHttpError();
      },
    };
  },
};
