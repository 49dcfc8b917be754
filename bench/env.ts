import { join } from 'node:path';

const HUGE = '1000000000';

/** The server's environment in every bench: production mode, a temporary SQLite file (or DATABASE_URL given), rate limits out of the way. */
export function benchEnv(dir: string, databaseUrl = `sqlite:${join(dir, 'bench.sqlite')}`): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-0123456789',
    DATA_DIR: dir,
    DATABASE_URL: databaseUrl,
    // The login rows open thousands of sessions for one account; the cap would end the one `me` uses.
    SESSION_MAX_PER_USER: '10000',
    ...Object.fromEntries(['LOGIN_IP', 'LOGIN_SUCCESS_IP', 'LOGIN_ACCOUNT', 'REGISTER_IP', 'REFRESH_IP', 'WS_IP'].map((n) => [`RATE_${n}_MAX`, HUGE])),
  };
  for (const k of ['ARGON2_MEMORY_KIB', 'ARGON2_TIME_COST', 'ARGON2_PARALLELISM', 'REFRESH_GRACE_PERIOD']) delete env[k];
  return env;
}
