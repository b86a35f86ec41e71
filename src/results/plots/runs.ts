/**
 * Which runs of a results folder are repeats of one configuration (differing only in their seed), and
 * the names the plots give runs and configurations. The configuration of a run is its sweep point's
 * settings from manifest.json without the seed; without a manifest, its `point` label without a
 * `seed=…` part. Runs that share a configuration and differ in seed get one line with a band.
 */
import type { Table } from './tables.ts';

/** One run as the plots name it. */
export interface RunInfo {
  readonly runId: number;
  /** `run 0: sync-allreduce` */
  readonly label: string;
  readonly seed: string;
  /** Runs with equal keys are repeats of one configuration. */
  readonly configKey: string;
  /** The configuration's name, without the seed. */
  readonly configLabel: string;
}

/** A configuration and its runs (one run when it was not repeated). */
export interface ConfigGroup {
  readonly label: string;
  readonly runIds: readonly number[];
}

interface ManifestRun {
  readonly run_id?: number;
  readonly sweep_values?: Record<string, unknown>;
}

const isSeedKey = (k: string): boolean => k === 'seed' || k.endsWith('.seed');

/** `point` without its `seed=N` part (`seed=2, lr=0.1` → `lr=0.1`). */
function withoutSeed(point: string): string {
  return point
    .split(/,\s*/)
    .filter((p) => !/^(?:[\w.]*\.)?seed\s*=/.test(p))
    .join(', ');
}

/** Reads summary.csv's runs, grouped into configurations with the manifest's runs when given. */
export function describeRuns(summary: Table, manifestRuns: readonly ManifestRun[] | undefined): RunInfo[] {
  const sweepOf = new Map<number, Record<string, unknown>>();
  for (const r of manifestRuns ?? [])
    if (r.run_id !== undefined && r.sweep_values) sweepOf.set(r.run_id, r.sweep_values);
  return summary.rows.map((row) => {
    const runId = Number(row.run_id);
    const point = row.point ?? '';
    const schedule = row.schedule ?? '';
    const label = `run ${String(runId)}: ${point !== '' ? point : schedule}`;
    const sweep = sweepOf.get(runId);
    const rest = withoutSeed(point);
    const configLabel = rest !== '' && rest !== row.scenario ? rest : schedule;
    const settings =
      sweep === undefined ? configLabel : JSON.stringify(Object.entries(sweep).filter(([k]) => !isSeedKey(k)));
    // Schedule, mode and size are in the key too, so that runs alike only in their sweep values (a
    // manifest from another scenario) are never pooled.
    const configKey = JSON.stringify([settings, schedule, row.mode, row.workers, row.timing]);
    return { runId, label, seed: row.seed ?? '', configKey, configLabel };
  });
}

/**
 * The configurations, in order of their first run. A group has several runs only when they differ in
 * seed: equal seeds would be the same simulation twice, not a measure of spread.
 */
export function configGroups(runs: readonly RunInfo[]): ConfigGroup[] {
  const byKey = new Map<string, RunInfo[]>();
  for (const r of runs) {
    const g = byKey.get(r.configKey);
    if (g === undefined) byKey.set(r.configKey, [r]);
    else g.push(r);
  }
  const out: ConfigGroup[] = [];
  for (const members of byKey.values()) {
    const seeds = new Set(members.map((m) => m.seed));
    if (members.length > 1 && seeds.size === members.length) {
      out.push({
        label: `${members[0]!.configLabel} (${String(members.length)} seeds)`,
        runIds: members.map((m) => m.runId),
      });
    } else for (const m of members) out.push({ label: m.label, runIds: [m.runId] });
  }
  return out;
}
