#!/usr/bin/env node
// Last step of `npm test`: the browser tests are a separate run (`npm run test:e2e`, in Debian's Chromium).
// Say in one line that they were not run, so a green `npm test` is not mistaken for them.
'use strict';
const { existsSync } = require('node:fs');

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
process.stdout.write(
  existsSync(chromium)
    ? `browser tests not run by npm test: npm run test:e2e runs them in ${chromium}\n`
    : `browser tests not run: ${chromium} is missing (apt-get install -y chromium, then npm run test:e2e)\n`,
);
