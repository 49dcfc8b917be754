#!/usr/bin/env node
// Last step of `npm test`: the browser tests are a separate run (`npm run test:e2e`, in Debian's Chromium).
// Say in one line that they were not run, so a green `npm test` is not mistaken for them.
'use strict';
const { existsSync } = require('node:fs');

// Suites that need a service are skipped without it; say which variable turns each on.
const services = [
  ['TEST_DATABASE_URL', 'PostgreSQL suites (two instances: live bus, mail, second factors; outage, viewer, retention lock): TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run test:pg'],
  ['TEST_REDIS_URL', 'the shared Redis rate-limit suite: TEST_REDIS_URL=redis://127.0.0.1:6379 npm test'],
].filter(([name]) => !process.env[name]);
for (const [name, what] of services) process.stdout.write(`skipped without ${name}: ${what}\n`);

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
process.stdout.write(
  existsSync(chromium)
    ? `browser tests not run by npm test: npm run test:e2e runs them in ${chromium}\n`
    : `browser tests not run: ${chromium} is missing (apt-get install -y chromium, then npm run test:e2e)\n`,
);
