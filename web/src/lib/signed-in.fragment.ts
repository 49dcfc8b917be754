import { graphql } from '../gql';

/** What a sign-up, login, refresh or password change hands the session: one selection, so the five stay alike. */
export const SignedInFragment = graphql(`
  fragment SignedIn on AuthPayload {
    accessToken
    expiresIn
    sessionId
    user {
      id
      username
    }
  }
`);
