import type { ApolloClient } from '@apollo/client';
import type { AdminAuditQuery, AuditFilter, AuditRowFragment } from '../../gql/graphql';
import { AdminAuditDocument } from './audit.documents';

/** The export pages through the API in the browser; it stops here (and says so) rather than hold an unbounded trail. */
export const EXPORT_CAP = 10_000;
const PAGE = 100;

const COLUMNS = ['id', 'at', 'type', 'outcome', 'userId', 'actorId', 'sessionId', 'ip', 'userAgent', 'detail'] as const;

/** Every row matching the filter, newest first, at most EXPORT_CAP; `truncated` when more were there. */
export async function fetchForExport(client: ApolloClient, filter: AuditFilter, onProgress: (rows: number) => void): Promise<{ rows: AuditRowFragment[]; total: number; truncated: boolean }> {
  const rows: AuditRowFragment[] = [];
  let after: string | null = null;
  let total = 0;
  for (;;) {
    const { data }: { data?: AdminAuditQuery } = await client.query({ query: AdminAuditDocument, variables: { first: Math.min(PAGE, EXPORT_CAP - rows.length), after, filter }, fetchPolicy: 'network-only' });
    if (!data) break;
    const page: AdminAuditQuery['auditEvents'] = data.auditEvents;
    total = page.totalCount;
    // The fragment's own fields only (Apollo adds __typename).
    rows.push(...page.edges.map(({ node }) => Object.fromEntries(COLUMNS.map((c) => [c, node[c] ?? null])) as unknown as AuditRowFragment));
    onProgress(rows.length);
    if (!page.pageInfo.hasNextPage || rows.length >= EXPORT_CAP) return { rows, total, truncated: page.pageInfo.hasNextPage };
    after = page.pageInfo.endCursor ?? null;
  }
  return { rows, total, truncated: false };
}

// A formula start (=, +, -, @, tab, CR, their full-width forms), also after leading spaces or no-break spaces.
const FORMULA = /^[\s\u00a0]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/**
 * RFC 4180 quoting of every cell, so no separator inside one splits it (a ";" spreadsheet locale included); a
 * cell a spreadsheet would run as a formula is prefixed with ' (OWASP CSV injection).
 */
function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function toCsv(rows: AuditRowFragment[]): string {
  const lines = [COLUMNS.map(csvCell).join(','), ...rows.map((row) => COLUMNS.map((c) => csvCell(row[c])).join(','))];
  return lines.join('\r\n') + '\r\n';
}

export function toNdjson(rows: AuditRowFragment[]): string {
  return rows.map((row) => JSON.stringify(Object.fromEntries(COLUMNS.map((c) => [c, row[c] ?? null])))).join('\n') + (rows.length ? '\n' : '');
}
