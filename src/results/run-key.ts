/**
 * Stable run ids (`run_key`): the first 12 hex digits of the SHA-256 of a run's resolved scenario as
 * canonical JSON (keys sorted, the seed included). The same scenario gives the same key on every
 * machine and in every shard split, which is what lets `dtsim sweep` resume and `dtsim merge` check
 * that shards belong together.
 *
 * Fields that say where or under which name a run sits, not what it computes, are left out: the
 * scenario file's path (`file`: the same file may be given as `a.yaml` or `/abs/a.yaml`), the output
 * folder, whether the folder gets plots (`output.plots`: drawn from the results, not part of them,
 * and keys of results written before the setting existed stay valid), the point's label (it depends on the other points of the sweep), the configuration's id and
 * label, the repeat count and the full sweep settings. Two runs with equal keys therefore compute the
 * same results; only their names differ.
 */
import { canonicalJson, sha256Hex } from './manifest.ts';

/** Hex digits kept: 48 bits, so a collision among even a million runs has odds of about 2 in a million. */
export const RUN_KEY_LENGTH = 12;

// Top-level fields that name or place a run rather than define it (see the file comment).
const NAMING_FIELDS = ['file', 'point', 'configId', 'configLabel', 'repeats', 'sweepValues'] as const;

/** The part of a resolved scenario that decides its results: naming fields, `output.dir` and `output.plots` removed. */
export function keyedScenario(scenario: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...scenario };
  for (const f of NAMING_FIELDS) delete out[f];
  const output = out['output'];
  if (typeof output === 'object' && output !== null && !Array.isArray(output)) {
    const { dir: _dir, plots: _plots, ...rest } = output as Record<string, unknown>;
    out['output'] = rest;
  }
  return out;
}

/** The run's stable id: 12 lower-case hex digits. */
export function runKey(scenario: object): string {
  return sha256Hex(canonicalJson(keyedScenario(scenario as Record<string, unknown>))).slice(0, RUN_KEY_LENGTH);
}
