/**
 * What the stop conditions mean, checked against the rest of the scenario. An epoch is a pass over
 * `workload.dataset`, the proxy that full mode trains. In a timing-only run timed by a profile (or by
 * custom numbers) that dataset is neither trained nor the timed model's own data, so "one epoch" would
 * silently mean, say, 8,499 MNIST samples of GPT-2: such runs must stop by `updates` or `simTime`.
 * Also here: the words users bring from other tools (`steps`, `maxTime`) and what they are called here.
 */
import type { StopSpec, TimingSpec } from './types.ts';

/** What an update is, for messages (results/README.md's `updates` column says the same). */
export const UPDATE_MEANING =
  'an update is one change of the global model: one step for sync-allreduce and local-sgd, one fully applied gradient for async-ps';

const normalize = (k: string): string => k.toLowerCase().replace(/[\s_-]+/g, '');

// Keys other tools use for a step or time budget (compared ignoring case, "_" and "-").
const STEP_WORDS = new Set([
  'step',
  'steps',
  'iteration',
  'iterations',
  'iter',
  'iters',
  'maxsteps',
  'maxiterations',
  'maxiters',
  'numsteps',
  'trainsteps',
  'totalsteps',
  'maxupdates',
  'numupdates',
  'batches',
]);
const TIME_WORDS = new Set([
  'time',
  'maxtime',
  'duration',
  'maxduration',
  'simulatedtime',
  'walltime',
  'timelimit',
  'timeout',
  'seconds',
]);

/**
 * Extra words for unknown keys of `training.stop`, naming the keys they are about (the loader repeats
 * them on each unknown key's line), or `undefined` when none applies.
 */
export function stopKeyHint(keys: readonly string[]): string | undefined {
  const quoted = (ks: readonly string[]): string => ks.map((k) => `"${k}"`).join(', ');
  const steps = keys.filter((k) => STEP_WORDS.has(normalize(k)));
  const times = keys.filter((k) => TIME_WORDS.has(normalize(k)));
  const hints: string[] = [];
  if (steps.length > 0) hints.push(`for ${quoted(steps)} write updates: N (${UPDATE_MEANING})`);
  if (times.length > 0)
    hints.push(`for ${quoted(times)} write simTime, the simulated time, e.g. "2 h" (there is no wall-clock limit)`);
  return hints.length === 0 ? undefined : hints.join('; ');
}

/** One problem with the stop conditions: where (below the scenario root), the value and what is wrong. */
export interface StopProblem {
  readonly path: readonly PropertyKey[];
  readonly input: unknown;
  readonly message: string;
}

/**
 * Rejects epochs where they mean nothing: timing-only runs timed by a profile or by custom numbers.
 * `defaulted` says that the user gave no `stop` at all (the default is one epoch).
 */
export function epochProblem(
  mode: 'full' | 'timing-only',
  timing: TimingSpec,
  dataset: string,
  stop: StopSpec,
  defaulted: boolean,
): StopProblem | undefined {
  if (mode !== 'timing-only' || timing.kind === 'model' || stop.epochs === undefined) return undefined;
  const timed = timing.kind === 'profile' ? `timing profile "${timing.name}"` : 'custom timing';
  const data = timing.kind === 'profile' ? `${timing.name}'s data` : 'the data of the custom-timed model';
  const how = `stop with updates (${UPDATE_MEANING}) or simTime (simulated time, e.g. "1 h")`;
  if (defaulted) {
    return {
      path: ['training', 'stop'],
      input: undefined,
      message: `missing; a timing-only run with ${timed} needs a stop condition: the default, one epoch, would count samples of the proxy dataset ${dataset}, which is not ${data}; ${how}`,
    };
  }
  return {
    path: ['training', 'stop', 'epochs'],
    input: stop.epochs,
    message: `got ${stop.epochs} in a timing-only run with ${timed}: an epoch is a pass over the proxy dataset ${dataset}, which a timing-only run does not train and which is not ${data}; ${how}`,
  };
}
