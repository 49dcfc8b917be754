import { graphql } from '../../gql';

export const AuditRowFragment = graphql(`
  fragment AuditRow on AuditEvent {
    id
    type
    at
    outcome
    userId
    actorId
    sessionId
    ip
    userAgent
    detail
  }
`);

export const AdminAuditDocument = graphql(`
  query AdminAudit($first: Int!, $after: String, $filter: AuditFilter) {
    auditEvents(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...AuditRow
        }
      }
    }
  }
`);

export const AuditEventAddedDocument = graphql(`
  subscription AdminAuditTail($filter: AuditFilter) {
    auditEventAdded(filter: $filter) {
      ...AuditRow
    }
  }
`);
