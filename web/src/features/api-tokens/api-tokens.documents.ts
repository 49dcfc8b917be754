import { graphql } from '../../gql';

export const MyApiTokensDocument = graphql(`
  query MyApiTokens {
    myApiTokens {
      id
      name
      prefix
      scopes
      createdAt
      expiresAt
      lastUsedAt
    }
    permissionCatalogue {
      name
      description
      sessionOnly
    }
  }
`);

export const CreateApiTokenDocument = graphql(`
  mutation CreateMyApiToken($name: String!, $scopes: [String!]!, $expiresInDays: Int!) {
    createApiToken(name: $name, scopes: $scopes, expiresInDays: $expiresInDays) {
      token
      apiToken {
        id
        name
      }
    }
  }
`);

export const RevokeMyApiTokenDocument = graphql(`
  mutation RevokeMyApiToken($id: ID!) {
    revokeApiToken(id: $id)
  }
`);
