// `npm run test:e2e`: the web app in Debian's Chromium against a real server on a temp database.
// Not part of `npm test` (its testMatch is *.test.ts; these are *.e2e.ts). Transforms come from package.json's jest config.
const base = require('../../package.json').jest;

module.exports = {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.ts'],
  globalSetup: '<rootDir>/test/e2e/global-setup.ts',
  testTimeout: 120000,
  maxWorkers: 1,
  verbose: true,
};
