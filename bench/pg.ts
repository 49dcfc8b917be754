// The `me (PostgreSQL)` row's database: made fresh on the server BENCH_PG_URL names, dropped when the run ends.
import { Client } from 'pg';

export const PG_DEFAULT = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new empty database beside the one `serverUrl` names (which is only used to create and drop it). */
export async function createBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `tokengate_bench_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
      await again.connect();
      try {
        await again.query(`drop database if exists ${name} with (force)`);
      } finally {
        await again.end();
      }
    },
  };
}
