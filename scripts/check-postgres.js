// Fails fast, with a clear message, when the PostgreSQL run was requested but the server cannot be reached.
const { Client } = require('pg');

const url = process.env.TEST_DATABASE_URL;
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  console.error('test:pg needs TEST_DATABASE_URL=postgres://user@host:port/db');
  process.exit(1);
}
const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
client
  .connect()
  .then(() => client.query('select 1'))
  .then(() => client.end())
  .catch((err) => {
    console.error(`PostgreSQL at ${url.replace(/\/\/[^@]*@/, '//***@')} is unreachable: ${err.message}`);
    process.exit(1);
  });
