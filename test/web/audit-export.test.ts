import type { ApolloClient } from '@apollo/client';
import { EXPORT_CAP, fetchForExport, toCsv, toNdjson } from '../../web/src/features/admin-audit/audit-export';
import type { AuditRowFragment } from '../../web/src/gql/graphql';

/** The audit export (web/src/features/admin-audit): paging up to the cap, CSV quoting, NDJSON lines. */

const row = (n: number, over: Partial<AuditRowFragment> = {}): AuditRowFragment => ({
  __typename: 'AuditEvent',
  id: `e${n}`,
  type: 'LOGIN_FAILED',
  at: '2026-12-01T10:00:00.000Z',
  outcome: 'FAILURE',
  userId: 'u1',
  actorId: null,
  sessionId: null,
  ip: '127.0.0.1',
  userAgent: null,
  detail: null,
  ...over,
});

/** A client whose auditEvents has `total` rows, served in pages of the requested size. */
function fakeClient(total: number) {
  const calls: Array<{ first: number; after: string | null }> = [];
  const client = {
    async query({ variables }: { variables: { first: number; after: string | null } }) {
      calls.push({ first: variables.first, after: variables.after });
      const start = variables.after ? Number(variables.after) : 0;
      const end = Math.min(total, start + variables.first);
      const edges = Array.from({ length: end - start }, (_, i) => ({ node: row(start + i) }));
      return { data: { auditEvents: { totalCount: total, pageInfo: { hasNextPage: end < total, endCursor: String(end) }, edges } } };
    },
  };
  return { client: client as unknown as ApolloClient, calls };
}

describe('fetchForExport', () => {
  it('pages through every row below the cap, 100 at a time', async () => {
    const { client, calls } = fakeClient(250);
    const progress: number[] = [];
    const result = await fetchForExport(client, { outcome: 'FAILURE' }, (n) => progress.push(n));
    expect(result).toMatchObject({ total: 250, truncated: false });
    expect(result.rows.map((r) => r.id)).toEqual(Array.from({ length: 250 }, (_, i) => `e${i}`));
    expect(calls).toEqual([
      { first: 100, after: null },
      { first: 100, after: '100' },
      { first: 100, after: '200' },
    ]);
    expect(progress).toEqual([100, 200, 250]);
    // Only the columns, not Apollo's __typename.
    expect(Object.keys(result.rows[0]!)).not.toContain('__typename');
  });

  it(`stops at ${EXPORT_CAP} rows and says so`, async () => {
    const { client, calls } = fakeClient(EXPORT_CAP + 1);
    const result = await fetchForExport(client, {}, () => undefined);
    expect(result.rows).toHaveLength(EXPORT_CAP);
    expect(result).toMatchObject({ total: EXPORT_CAP + 1, truncated: true });
    expect(calls).toHaveLength(EXPORT_CAP / 100);
  });

  it('exactly at the cap is not truncated', async () => {
    const { client } = fakeClient(EXPORT_CAP);
    expect(await fetchForExport(client, {}, () => undefined)).toMatchObject({ truncated: false });
  });
});

describe('toCsv and toNdjson', () => {
  it('quotes every cell (RFC 4180) and defuses formulas, also behind spaces, in full width, or after a ";"', () => {
    const csv = toCsv([
      row(1, { detail: '{"role":"A,B"}', userAgent: 'line\nbreak' }),
      row(2, { detail: '=HYPERLINK("x")', ip: '-1' }),
      row(3, { userAgent: "Mozilla/5.0;=cmd|' /C calc'!A0;", detail: '\u00a0=1+1', ip: '\uff1dSUM(A1)' }),
    ]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('"id","at","type","outcome","userId","actorId","sessionId","ip","userAgent","detail"');
    expect(lines[1]).toBe('"e1","2026-12-01T10:00:00.000Z","LOGIN_FAILED","FAILURE","u1","","","127.0.0.1","line\nbreak","{""role"":""A,B""}"');
    expect(csv).toContain(`"e2","2026-12-01T10:00:00.000Z","LOGIN_FAILED","FAILURE","u1","","","'-1","","'=HYPERLINK(""x"")"\r\n`);
    // The ";" stays inside its quoted cell, so a ";"-separated spreadsheet does not start a cell at "=cmd".
    expect(csv).toContain(`"Mozilla/5.0;=cmd|' /C calc'!A0;","'\u00a0=1+1"`);
    expect(csv).toContain(`"'\uff1dSUM(A1)"`);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('writes one JSON object per line, with nulls kept', () => {
    const text = toNdjson([row(1), row(2)]);
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({ id: 'e1', at: '2026-12-01T10:00:00.000Z', type: 'LOGIN_FAILED', outcome: 'FAILURE', userId: 'u1', actorId: null, sessionId: null, ip: '127.0.0.1', userAgent: null, detail: null });
    expect(toNdjson([])).toBe('');
  });
});
