import { AuditEvent } from '../../../src/modules/audit/audit-event.entity';
import { Session } from '../../../src/modules/session/session.entity';
import { TestClock } from '../../helpers/clock';
import { createTestServer, firstError, login, register, type TestServer } from '../../helpers/server';
import { as, createRole, makeAdmin, PASSWORD, userWithRole } from '../../helpers/access';

const STATS = `query ($range: StatsRange!) {
  authStats(range: $range) { range from to buckets { start signIns signInFailures rateLimited refreshReuse activeSessions } }
}`;
const HOUR = 3_600_000;
const IDLE_HOURS = 5;

describe('authStats', () => {
  let server: TestServer;
  let admin: any;

  beforeAll(async () => {
    // 20 minutes past an hour: the current bucket is partly over, and 7 days reach back past the first rows.
    server = await createTestServer({ REFRESH_IDLE_TTL: `${IDLE_HOURS}h`, REFRESH_TOKEN_TTL: '30d' }, new TestClock('2026-11-20T08:20:00.000Z'));
    admin = await makeAdmin(server, 'root');
    await register(server, 'alice', PASSWORD);
    const { audit } = server.app.services;
    // Known rows at known times over eight days: some in the range, some just outside it.
    for (let h = 0; h < 8 * 24; h += 7) {
      server.clock.advance(7 * 3600);
      audit.record({ type: 'LOGIN_FAILED', ip: '203.0.113.9' });
      if (h % 3 === 0) audit.record({ type: 'RATE_LIMITED', detail: { limiter: 'refresh' } });
      if (h % 5 === 0) audit.record({ type: 'LOGIN_LOCKED' });
      if (h % 11 === 0) audit.record({ type: 'REFRESH_REUSED' });
      audit.record({ type: 'REFRESHED' }); // not counted
      if (h % 2 === 0) await login(server, 'alice', PASSWORD); // LOGIN_SUCCEEDED, and a session opened at this hour
      if (h % 4 === 0) await server.gql('mutation { logoutAll }', {}, as(await login(server, 'alice', PASSWORD)));
    }
    server.clock.advance(1800);
    // A session that ended on an hour boundary: open in the hour before, not in the one it ended at.
    const em = server.app.orm.em.fork();
    const now = server.clock.now().getTime();
    const onTheHour = new Date(Math.floor(now / HOUR) * HOUR - 3 * HOUR);
    const latest = await em.findOne(Session, { revokedAt: null }, { orderBy: { createdAt: 'desc' } });
    await em.nativeUpdate(Session, { id: latest!.id }, { revokedAt: onTheHour, createdAt: new Date(onTheHour.getTime() - 2 * HOUR - 1) });
    admin = await login(server, 'root', PASSWORD); // the first token expired while the clock moved
    await audit.flush();
  });
  afterAll(() => server.close());

  /** The numbers counted by hand from the rows, with the definitions the schema states. */
  async function expected(from: number, hours: number) {
    const em = server.app.orm.em.fork();
    const [events, sessions] = await Promise.all([em.find(AuditEvent, {}), em.find(Session, {})]);
    const idle = IDLE_HOURS * HOUR;
    return Array.from({ length: hours }, (_, i) => {
      const start = from + i * HOUR;
      const end = start + HOUR;
      const count = (...types: string[]) => events.filter((e) => types.includes(e.type) && e.at.getTime() >= start && e.at.getTime() < end).length;
      const active = sessions.filter((s) => {
        const dead = Math.min(s.revokedAt?.getTime() ?? Infinity, s.expiresAt.getTime(), s.lastUsedAt.getTime() + idle);
        return s.createdAt.getTime() < end && dead > start;
      }).length;
      return {
        start: new Date(start).toISOString(),
        signIns: count('LOGIN_SUCCEEDED'),
        signInFailures: count('LOGIN_FAILED'),
        rateLimited: count('LOGIN_LOCKED', 'RATE_LIMITED'),
        refreshReuse: count('REFRESH_REUSED'),
        activeSessions: active,
      };
    });
  }

  it.each([
    ['LAST_24_HOURS', 24],
    ['LAST_7_DAYS', 168],
  ])('%s: hourly UTC buckets, the current one last, equal to the rows they count', async (range, hours) => {
    const res = await server.gql(STATS, { range }, as(admin));
    expect(res.body.errors).toBeUndefined();
    const stats = res.body.data.authStats;
    const to = Math.floor(server.clock.now().getTime() / HOUR) * HOUR + HOUR;
    expect(stats).toMatchObject({ range, from: new Date(to - hours * HOUR).toISOString(), to: new Date(to).toISOString() });
    expect(stats.buckets).toHaveLength(hours);
    expect(stats.buckets).toEqual(await expected(to - hours * HOUR, hours));
    // Not an empty chart compared with an empty one: every series has rows in the week.
    const total = (key: string) => stats.buckets.reduce((n: number, b: any) => n + b[key], 0);
    for (const key of ['signIns', 'signInFailures', 'rateLimited', 'activeSessions']) expect(total(key)).toBeGreaterThan(0);
    if (range === 'LAST_7_DAYS') expect(total('refreshReuse')).toBeGreaterThan(0);
  });

  it('needs audit:read: a role without it is refused with the missing permission', async () => {
    await createRole(server, admin, 'HELPDESK', ['users:read']);
    const helpdesk = await userWithRole(server, admin, 'helpdesk', 'HELPDESK');
    const res = await server.gql(STATS, { range: 'LAST_24_HOURS' }, as(helpdesk));
    expect(firstError(res)).toMatchObject({ code: 'FORBIDDEN', missing: 'audit:read' });
  });
});
