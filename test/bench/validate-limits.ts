/**
 * Validation's cost at the size limits (docs/scenarios.md "Limits"): `npx tsx test/bench/validate-limits.ts`.
 * Each case runs in fresh processes, twice:
 * - in-process: the scenario layer is loaded and warmed up first, then one `loadScenario` is timed,
 *   and its memory is the peak RSS minus the RSS before it: what validating that input costs, on top
 *   of a start-up that is the same for every file;
 * - the whole `dtsim validate <file>` command: wall time and peak RSS, start-up included (tsx, zod and
 *   yaml cost about 0.35 s and 100 MB before any file is read; formulas have their own parser, so
 *   nothing loads mathjs).
 * Timings are printed, never asserted (design.md §6): they depend on the machine.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { writeValidateCases } from './validate-cases.ts';

const ROOT = resolve(import.meta.dirname, '../..');

// Runs in the child: warm up, then validate one file and report time and memory as JSON.
const IN_PROCESS = `
const { loadScenario } = await import('./src/scenario/load.ts');
const { parseScenario } = await import('./src/scenario/load.ts');
parseScenario('name: w\\ncluster: { nodes: [{ gpu: A100-80GB, nic: { bandwidth: "1 GB/s" } }] }\\nworkload: { timing: { kind: profile, name: resnet50 } }\\n', 'w.yaml');
globalThis.gc?.();
const rss0 = process.memoryUsage().rss;
const t0 = performance.now();
let outcome = 'ok';
try { loadScenario(process.argv[1]); } catch (e) { outcome = e.name === 'ScenarioError' ? 'rejected' : 'CRASH ' + e.message; }
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, growthMB: (process.resourceUsage().maxRSS * 1024 - rss0) / 1e6, outcome }));
`;

// Runs the real command and reports its own peak RSS when it exits.
const CLI = `
const t0 = performance.now();
process.on('exit', () => console.error('BENCH ' + JSON.stringify({ ms: performance.now() - t0, peakMB: process.resourceUsage().maxRSS * 1024 / 1e6 })));
process.argv = [process.argv[0], 'dtsim', 'validate', process.argv[1]];
await import('./bin/dtsim.js');
`;

function child(script: string, file: string, flags: string[]): string {
  const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script, file], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return `${r.stdout}\n${r.stderr}`;
}

const rows: string[][] = [['case', 'outcome', 'validate ms', 'RSS growth MB', 'dtsim validate s', 'peak RSS MB']];
for (const c of writeValidateCases()) {
  const inner = JSON.parse(
    child(IN_PROCESS, c.file, ['--expose-gc', '--import', 'tsx'])
      .split('\n')
      .find((l) => l.startsWith('{'))!,
  ) as { ms: number; growthMB: number; outcome: string };
  const cliLine = child(CLI, c.file, [])
    .split('\n')
    .find((l) => l.startsWith('BENCH '));
  const cli =
    cliLine === undefined ? { ms: NaN, peakMB: NaN } : (JSON.parse(cliLine.slice(6)) as { ms: number; peakMB: number });
  // A case meant to be valid that is rejected (or the reverse) no longer measures what its name says.
  const unexpected = c.valid !== (inner.outcome === 'ok') ? ` (expected ${c.valid ? 'ok' : 'rejected'})` : '';
  rows.push([
    c.name,
    inner.outcome + unexpected,
    inner.ms.toFixed(0),
    inner.growthMB.toFixed(0),
    (cli.ms / 1000).toFixed(2),
    cli.peakMB.toFixed(0),
  ]);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows)
  console.log(r.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  '));
