import type { AuditEventConnectionResolvers, QueryResolvers } from '../../generated/graphql';
import { edgesOf, pageInfoOf } from '../../lib/pagination';
import { AUDIT_CURSOR } from './audit.service';

const auditEvents: NonNullable<QueryResolvers['auditEvents']> = (_p, { first, after, userId, type }, ctx) =>
  ctx.services.audit.page(ctx.em, first ?? 20, after, { userId, type });

const AuditEventConnection: AuditEventConnectionResolvers = {
  edges: (page) => edgesOf(AUDIT_CURSOR, page.events),
  pageInfo: (page) => pageInfoOf(AUDIT_CURSOR, page.events, page.hasNextPage),
};

export const auditResolvers = { Query: { auditEvents }, AuditEventConnection };
