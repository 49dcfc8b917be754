#!/usr/bin/env node
// Builds the web app (web/ → web/dist) before `npm start` when the build is missing, stale, or of the other mode,
// so the first command of the README gives a working /app. Never stops the server from starting: without Vite
// (an install without devDependencies) or after a failed build it says so and the API starts anyway.
//
// Mode: NODE_ENV=production builds for production (operations as trusted-document hashes only); anything else builds
// for development (whole documents, which a server without TRUSTED_DOCUMENTS accepts).
'use strict';

const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, rmSync, statSync } = require('node:fs');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const WEB = join(ROOT, 'web');
const DIST = join(WEB, 'dist');
const STAMP = join(DIST, '.tokengate-build.json');
const LOCK = join(ROOT, 'node_modules', '.cache', 'tokengate-web-build.lock');
const INPUTS = ['src', 'public', 'index.html', 'vite.config.ts', 'tsconfig.json'].map((p) => join(WEB, p)).concat(join(ROOT, 'package-lock.json'));

const say = (message) => process.stderr.write(`tokengate: ${message}\n`);
const off = (value) => ['0', 'false', 'no', 'off'].includes(String(value ?? '').trim().toLowerCase());
const on = (value) => ['1', 'true', 'yes', 'on'].includes(String(value ?? '').trim().toLowerCase());

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Why a build is needed, or null when web/dist is current. */
function staleness(mode) {
  if (!existsSync(join(DIST, 'index.html')) || !existsSync(STAMP)) return 'web/dist is missing';
  let built;
  try {
    built = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return 'web/dist has no readable build stamp';
  }
  if (built.mode !== mode) return `web/dist is a ${built.mode} build`;
  const stampTime = statSync(STAMP).mtimeMs;
  const changed = INPUTS.find((input) => newestMtime(input) > stampTime);
  return changed ? `${changed.slice(ROOT.length + 1)} changed since the last build` : null;
}

/** One build at a time across processes (two `npm start`s at once); a lock older than 5 minutes is abandoned. */
function withLock(fn) {
  mkdirSync(join(LOCK, '..'), { recursive: true });
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      closeSync(openSync(LOCK, 'wx'));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const age = Date.now() - statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs;
      if (age > 5 * 60_000 || Date.now() > deadline) rmSync(LOCK, { force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

function main() {
  const production = process.env.NODE_ENV === 'production';
  // Same defaults as src/config.ts: the app is served outside production unless WEB_APP=false.
  if (production ? !on(process.env.WEB_APP) : off(process.env.WEB_APP)) return;
  const mode = production ? 'production' : 'development';
  if (!staleness(mode)) return;
  let vite;
  try {
    const manifest = require.resolve('vite/package.json', { paths: [ROOT] });
    vite = join(manifest, '..', require(manifest).bin.vite);
  } catch {
    say(`${staleness(mode)} and Vite is not installed (install with devDependencies to build it); starting without a current /app`);
    return;
  }
  withLock(() => {
    const reason = staleness(mode); // another process may have built it while we waited
    if (!reason) return;
    say(`building the web app for ${mode} (${reason}) …`);
    const started = Date.now();
    const result = spawnSync(process.execPath, [vite, 'build', '--config', join(WEB, 'vite.config.ts'), '--mode', mode, '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NODE_ENV: mode },
    });
    if (result.status === 0) say(`web app built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    else say(`the web app build failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}); starting the API without a current /app`);
  });
}

main();
