#!/usr/bin/env node
// Benchmark of `dtsim sweep --jobs`: the quick start's four schedules × 2 seeds (8 full-mode runs, each
// cut to a few seconds with --set), run serially (--jobs 1) and in two worker processes (--jobs 2),
// alternating the order from one round to the next so that load from other processes on a shared
// machine falls on both alike. Prints each variant's median, minimum and maximum wall time (process
// start to exit, as a user waits) and the ratio of the medians. Issue 15's goal: <= 0.65 on 2 cores.
// Not a timed test: a shared machine is too noisy for a pass/fail figure.
//
// Usage: npm run bench:sweep -- [--runs N] [--updates U] [--jobs J]
//   --runs N      timed runs per variant (default 3, at least 3)
//   --updates U   training.stop.updates of each run (default 150: a few seconds a run)
//   --jobs J      the parallel variant's --jobs (default 2)
// Results go to a temporary folder that is removed at the end; each command runs with --quiet.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : Number(args[i + 1]);
};
const runs = Math.max(3, opt('--runs', 3));
const updates = opt('--updates', 150);
const jobs = opt('--jobs', 2);
const tmp = mkdtempSync(join(tmpdir(), 'dtsim-bench-sweep-'));

/** Wall seconds of one `dtsim sweep` (a fresh folder each time: nothing is reused). */
function time(j, k) {
  const out = join(tmp, `j${j}-${k}`);
  const argv = [
    join(root, 'bin/dtsim.js'),
    'sweep',
    join(root, 'scenarios/quickstart.yaml'),
    '-q',
    '--jobs',
    String(j),
    '--out',
    out,
    '--set',
    'repeats=2',
    '--set',
    `training.stop.updates=${updates}`,
  ];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`dtsim sweep --jobs ${j} failed (exit ${r.status})`);
  rmSync(out, { recursive: true, force: true });
  return s;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

try {
  // Untimed warm-up: the first start after an edit compiles the sources (tsx) or loads cold files.
  time(1, 'warm');
  const times = { 1: [], [jobs]: [] };
  for (let k = 0; k < runs; k++) {
    const order = k % 2 === 0 ? [1, jobs] : [jobs, 1];
    for (const j of order) {
      times[j].push(time(j, k));
      process.stderr.write(`round ${k + 1}/${runs} --jobs ${j}: ${times[j].at(-1).toFixed(2)} s\n`);
    }
  }
  const row = (j) =>
    `--jobs ${j}: median ${median(times[j]).toFixed(2)} s (min ${Math.min(...times[j]).toFixed(2)}, max ${Math.max(...times[j]).toFixed(2)}, ${times[j].length} runs)`;
  console.log(`sweep: scenarios/quickstart.yaml, repeats=2 (8 full-mode runs), training.stop.updates=${updates}`);
  console.log(row(1));
  console.log(row(jobs));
  console.log(
    `ratio --jobs ${jobs} / --jobs 1: ${(median(times[jobs]) / median(times[1])).toFixed(3)} (goal <= 0.65 on 2 cores)`,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
