import type { AuditEventConnectionResolvers, AuditEventResolvers, QueryResolvers } from '../../generated/graphql';
import { outcomeOf } from './audit-event.entity';
import { edgesOf, pageInfoOf } from '../../lib/pagination';
import { AUDIT_CURSOR } from './audit.service';

// The older userId and type arguments and the filter must all hold.
const auditEvents: NonNullable<QueryResolvers['auditEvents']> = (_p, { first, after, userId, type, filter }, ctx) =>
  ctx.services.audit.page(ctx.em, first ?? 20, after, { userId, type }, filter ?? {});

const AuditEvent: AuditEventResolvers = {
  outcome: (event) => outcomeOf(event.type),
};

const AuditEventConnection: AuditEventConnectionResolvers = {
  edges: (page) => edgesOf(AUDIT_CURSOR, page.events),
  pageInfo: (page) => pageInfoOf(AUDIT_CURSOR, page.events, page.hasNextPage),
};

export const auditResolvers = { Query: { auditEvents }, AuditEventConnection, AuditEvent };
