#!/usr/bin/env node
// Whole-CLI benchmark: times `dtsim` commands end to end (process start to exit, as a user waits for
// them) and prints a table of medians, minima and maxima. Each case runs in turn on every variant being
// compared, alternating their order from one round to the next, so that load from other processes on a
// shared machine falls on all of them alike.
//
// Usage: npm run bench:cli -- [options]     (or node bench/cli.mjs [options])
//   --runs N         timed runs per case and variant (default 5; at least 5 for the figures in docs/)
//   --quick          skip the long case (the quick start in full mode, about 15 s a run)
//   --only a,b       only these cases (names as in the table)
//   --source         also time this checkout's sources through tsx (DTSIM_SOURCE=1), beside the bundle
//   --compare BIN    also time another dtsim, e.g. a checkout of an earlier commit: --compare ../old/bin/dtsim.js
//                    (repeatable); the table's last column is each variant's median over the first's
//   --no-warmup      no untimed first run per case and variant (the first run of tsx after an edit
//                    compiles the sources; the warm-up keeps that out of the figures)
//
// Cases (the whole-CLI rows of issue 13's table):
//   help              dtsim --help
//   version           dtsim --version (starts TensorFlow.js to name the tensor backend)
//   validate          dtsim validate scenarios/quickstart.yaml
//   sync-16384        dtsim run bench/sync-allreduce-16384.yaml: 16,384 GPUs × 1,000 steps, timing-only,
//                     lognormal stragglers
//   async-ps-start    the same with 4,096 updates (one per worker): start-up, set-up and each worker's start
//   async-ps-4096     dtsim run bench/async-ps-4096.yaml: 4,096 workers × 100,000 updates, timing-only;
//                     shown per update twice: the whole command over 100,000, and the marginal cost
//                     (its median less async-ps-start's, over the 95,904 updates between them), which is
//                     what the run costs per update once it is going
//   quickstart-full   dtsim run scenarios/quickstart.yaml (what `npm start` runs), full mode
// Results go to a temporary folder that is removed at the end; each command runs with --quiet.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE_DIR, staleReason } from '../bin/bundle-check.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @typedef {{ name: string, args: (out: string) => string[], long?: boolean, updates?: number, base?: string }} Case
 * `base`: a case with fewer updates of the same run (listed before this one); the marginal cost per update
 * is the difference of the two medians over the difference of their updates.
 */
/** @type {Case[]} */
const CASES = [
  { name: 'help', args: () => ['--help'] },
  { name: 'version', args: () => ['--version'] },
  { name: 'validate', args: () => ['validate', 'scenarios/quickstart.yaml'] },
  { name: 'sync-16384', args: (out) => ['run', 'bench/sync-allreduce-16384.yaml', '--quiet', '--out', out] },
  {
    name: 'async-ps-start',
    args: (out) => [
      'run',
      'bench/async-ps-4096.yaml',
      '--quiet',
      '--set',
      'training.stop={updates: 4096}',
      '--out',
      out,
    ],
    updates: 4096,
  },
  {
    name: 'async-ps-4096',
    args: (out) => ['run', 'bench/async-ps-4096.yaml', '--quiet', '--out', out],
    updates: 100_000,
    base: 'async-ps-start',
  },
  {
    name: 'quickstart-full',
    args: (out) => ['run', 'scenarios/quickstart.yaml', '--quiet', '--out', out],
    long: true,
  },
];

function parseArgs(argv) {
  const opts = { runs: 5, quick: false, only: null, source: false, compare: [], warmup: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--runs') opts.runs = Number(value());
    else if (a === '--quick') opts.quick = true;
    else if (a === '--only') opts.only = value().split(',');
    else if (a === '--source') opts.source = true;
    else if (a === '--compare') opts.compare.push(resolve(value()));
    else if (a === '--no-warmup') opts.warmup = false;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(
        'usage: node bench/cli.mjs [--runs N] [--quick] [--only a,b] [--source] [--compare BIN] [--no-warmup]\n',
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new Error('--runs must be a positive integer');
  if (opts.only !== null) {
    const unknown = opts.only.filter((n) => !CASES.some((c) => c.name === n));
    if (unknown.length > 0)
      throw new Error(`unknown case ${unknown.join(', ')}; cases: ${CASES.map((c) => c.name).join(', ')}`);
  }
  return opts;
}

/** Runs one command; returns its wall time in seconds. Throws with its stderr if it fails. */
function timeOnce(variant, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [variant.bin, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...variant.env },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0)
    throw new Error(`${variant.label}: dtsim ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return s;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const fmt = (s) => (s < 10 ? s.toFixed(3) : s.toFixed(2));

function table(rows) {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  const line = (r) => r.map((c, j) => (j < 2 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const variants = [{ label: 'bin/dtsim.js', bin: join(ROOT, 'bin/dtsim.js'), env: {} }];
  if (opts.source)
    variants.push({ label: 'bin/dtsim.js (tsx)', bin: join(ROOT, 'bin/dtsim.js'), env: { DTSIM_SOURCE: '1' } });
  for (const bin of opts.compare) variants.push({ label: bin, bin, env: {} });
  const cases = CASES.filter((c) => (opts.only === null ? !(c.long && opts.quick) : opts.only.includes(c.name)));
  /** Median seconds by case name, then variant index. */
  const medians = new Map();
  const tmp = mkdtempSync(join(tmpdir(), 'dtsim-bench-'));
  const rows = [
    [
      'case',
      'variant',
      'runs',
      'median s',
      'min s',
      'max s',
      'µs/update',
      'marginal µs/update',
      ...(variants.length > 1 ? ['× first'] : []),
    ],
  ];
  try {
    for (const c of cases) {
      const times = variants.map(() => []);
      let k = 0;
      const runAll = (round, record) => {
        // Alternate the order each round: A B, B A, A B, ...
        const order = variants.map((_, i) => i);
        if (round % 2 === 1) order.reverse();
        for (const i of order) {
          const out = join(tmp, `${c.name}-${k++}`);
          const s = timeOnce(variants[i], c.args(out));
          rmSync(out, { recursive: true, force: true });
          if (record) times[i].push(s);
        }
      };
      if (opts.warmup && !c.long) runAll(0, false);
      for (let round = 0; round < opts.runs; round++) {
        process.stderr.write(`\r${c.name}: round ${round + 1}/${opts.runs}   `);
        runAll(round, true);
      }
      process.stderr.write('\r\x1b[K');
      const first = median(times[0]);
      medians.set(
        c.name,
        times.map((t) => median(t)),
      );
      const base = c.base === undefined ? undefined : CASES.find((b) => b.name === c.base);
      variants.forEach((v, i) => {
        const m = median(times[i]);
        const m0 = base === undefined ? undefined : medians.get(base.name)?.[i];
        rows.push([
          c.name,
          v.label,
          String(times[i].length),
          fmt(m),
          fmt(Math.min(...times[i])),
          fmt(Math.max(...times[i])),
          c.updates === undefined ? '' : ((m / c.updates) * 1e6).toFixed(1),
          m0 === undefined ? '' : (((m - m0) / (c.updates - base.updates)) * 1e6).toFixed(2),
          ...(variants.length > 1 ? [(m / first).toFixed(2)] : []),
        ]);
      });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  process.stdout.write(`${table(rows)}\n`);
  process.stdout.write(
    `node ${process.version}, ${opts.runs} timed runs per case and variant, whole command wall time\n`,
  );
  // Which path bin/dtsim.js took (checked after the runs): the bundle, or the sources through tsx.
  const stale = staleReason(ROOT, join(ROOT, BUNDLE_DIR));
  process.stdout.write(
    stale === null
      ? 'bin/dtsim.js ran the bundle (node_modules/.cache/dtsim)\n'
      : `bin/dtsim.js ran the sources through tsx: ${stale} (npm run build)\n`,
  );
}

main();
