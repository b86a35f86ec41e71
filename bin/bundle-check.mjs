// Is the prebuilt bundle of the CLI (bin/build.mjs) still the code in src/? Used by bin/dtsim.js at every
// start, so it loads nothing but node builtins and reads as little as it can.
//
// The build writes build.json beside the bundle: every file that went into it (the sources under src/,
// the package.json of each bundled dependency, and bin/build.mjs itself) with its size, mtime and
// SHA-256. The bundle is fresh when every one of those files still has the recorded content: a file
// whose size and mtime are unchanged is taken as unchanged; one whose mtime moved (a `git checkout`,
// a `touch`) is read and hashed, and counts as changed only if its bytes did. A new source file can only
// matter once an existing one imports it, which changes that file. Anything missing or unreadable makes
// the bundle stale, so the caller falls back to running the sources.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Where the bundle lives, relative to the package root: inside node_modules, so `npm ci` rebuilds it. */
export const BUNDLE_DIR = 'node_modules/.cache/dtsim';

/** Version of build.json's layout; a bundle written by another layout is stale. */
export const MANIFEST_FORMAT = 1;

/** SHA-256 of a file's bytes, hex. (node:crypto is loaded only when a file must be hashed: it pulls in
 * streams, which would cost every start a few milliseconds.) */
export function fileHash(path) {
  const { createHash } = createRequire(import.meta.url)('node:crypto');
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Why the bundle in `bundleDir` must not run for the package at `root`, or null when it is fresh.
 * @param root the package root (paths in build.json are relative to it)
 * @param bundleDir the bundle folder (absolute, or relative to the working directory)
 */
export function staleReason(root, bundleDir) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(bundleDir, 'build.json'), 'utf8'));
  } catch {
    return 'no bundle has been built';
  }
  if (manifest?.format !== MANIFEST_FORMAT || !Array.isArray(manifest.inputs) || typeof manifest.entry !== 'string')
    return 'the bundle was built by another version of bin/build.mjs';
  for (const input of manifest.inputs) {
    const path = join(root, input.path);
    let st;
    try {
      st = statSync(path);
    } catch {
      return `${input.path} is gone since the last build`;
    }
    if (st.size === input.size && st.mtimeMs === input.mtimeMs) continue;
    if (st.size !== input.size) return `${input.path} has changed since the last build`;
    try {
      if (fileHash(path) !== input.sha256) return `${input.path} has changed since the last build`;
    } catch {
      return `${input.path} cannot be read`;
    }
  }
  return null;
}
