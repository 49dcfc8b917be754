import { graphql } from '../../gql';

export const AuthStatsDocument = graphql(`
  query AdminAuthStats($range: StatsRange!) {
    authStats(range: $range) {
      range
      from
      to
      buckets {
        start
        signIns
        signInFailures
        rateLimited
        refreshReuse
        activeSessions
      }
    }
  }
`);
