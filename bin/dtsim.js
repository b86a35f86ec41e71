#!/usr/bin/env node
// The `dtsim` command. Two ways to run the same sources:
// - the fast path: the plain-JavaScript bundle that `npm install` / `npm ci` build through the `prepare`
//   script (bin/build.mjs, into node_modules/.cache/dtsim/), used only while every file it was built
//   from is unchanged (bin/bundle-check.mjs compares them with its build.json at each start);
// - otherwise the TypeScript sources in src/, run directly through tsx's loader (tsx caches compiled
//   files, so after the first run the cost is mostly the loader's round trips).
// Editing src/ therefore never runs stale code: the next start takes the tsx path until `npm run build`
// (or the next install) rebuilds the bundle. DTSIM_SOURCE=1 forces the tsx path.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUNDLE_DIR, staleReason } from './bundle-check.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundleDir = join(root, BUNDLE_DIR);
const stale = process.env.DTSIM_SOURCE === '1' ? 'DTSIM_SOURCE=1' : staleReason(root, bundleDir);

if (stale === null) {
  await import(pathToFileURL(join(bundleDir, 'main.mjs')).href);
} else {
  // Only a person at a terminal is told why start-up is slower (scripts and tests read stderr).
  if (process.stderr.isTTY && process.env.DTSIM_SOURCE !== '1')
    process.stderr.write(`dtsim: running the sources through tsx (${stale}; \`npm run build\` makes start-up fast)\n`);
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
