import type { AuditEventConnectionResolvers, QueryResolvers } from '../../generated/graphql';
import { encodeCursor } from './audit.service';

const auditEvents: NonNullable<QueryResolvers['auditEvents']> = (_p, { first, after, userId, type }, ctx) =>
  ctx.services.audit.page(ctx.em, first ?? 20, after, { userId, type });

const AuditEventConnection: AuditEventConnectionResolvers = {
  edges: (page) => page.events.map((node) => ({ cursor: encodeCursor(node.id), node })),
  pageInfo: (page) => ({ hasNextPage: page.hasNextPage, endCursor: page.events.length ? encodeCursor(page.events[page.events.length - 1].id) : null }),
};

export const auditResolvers = { Query: { auditEvents }, AuditEventConnection };
