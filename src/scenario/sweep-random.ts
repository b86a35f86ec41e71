/**
 * Random samples in a sweep: `random: { samples: N, seed: S, space: { <path>: <distribution>, ... } }`
 * inside the `sweep` block. The N samples are drawn when the file is read and then behave like a
 * `zip` of N-item lists (sweep.ts): one dimension of the grid, at the place of the `random` key, each
 * sample one point, so grid keys, zips and `--max-runs` compose with it unchanged.
 *
 * Distributions: `{ uniform: [lo, hi] }` (a real number in [lo, hi)), `{ loguniform: [lo, hi] }` (its
 * logarithm uniform; 0 < lo), `{ int: [lo, hi] }` (an integer, both ends included) and
 * `{ choice: [a, b, ...] }` (one of the values, each as likely; values may carry labels as grid values do).
 *
 * Deterministic: each path draws from its own stream, `Rng('sweep-random/<seed>').fork(<path>)`, so
 * equal seeds give equal samples on every machine. Samples are distinct: a sample equal to an earlier
 * one is drawn again (a finite space smaller than `samples` is refused up front), because two equal
 * points would run the same configuration twice.
 */
import { Rng } from '../core/rng.ts';
import { describeValue } from './messages.ts';
import type { PathSegment } from './paths.ts';
import { unknownName } from './suggest.ts';
import type { SweepAxis, SweepProblem } from './sweep.ts';

/** The key under `sweep:` that holds random samples. */
export const RANDOM_KEY = 'random';

/** The most samples one `random` block may ask for (the `--max-runs` ceiling; `--max-runs` bounds it further). */
export const MAX_RANDOM_SAMPLES = 100_000;

/** Draws of one sample before a repeat of an earlier sample is given up on. */
const MAX_REDRAWS = 100;

/** The distribution names, in the order the messages list them. */
const KINDS = ['uniform', 'loguniform', 'int', 'choice'] as const;
type Kind = (typeof KINDS)[number];

/** A checked distribution: how to draw one value, and how many distinct values it has (finite or not). */
interface Distribution {
  readonly kind: Kind;
  readonly draw: (rng: Rng) => number;
  /** The value for draw result `x` (a choice maps its index to the value). */
  readonly value: (x: number) => unknown;
  /** The label given to draw result `x`, if any (a labelled choice value). */
  readonly label: (x: number) => string | undefined;
  readonly wrapped: (x: number) => boolean;
  /** Distinct values: `Infinity` for the real-valued distributions. */
  readonly size: number;
}

/** A value split into itself and its label, as sweep.ts does for grid lists. */
export interface LabelSplit {
  readonly value: unknown;
  readonly label?: string;
  readonly wrapped: boolean;
  readonly problem?: string;
}

/** What `readRandom` needs from sweep.ts: path checks and label splitting, shared with grid keys. */
export interface RandomContext {
  /**
   * Checks a key's path as for grid keys (parses, not inside `sweep`, overlaps neither other swept keys
   * nor `taken`, not set by --set); undefined after reporting.
   */
  readonly checkPath: (
    key: string,
    at: readonly (string | number)[],
    taken: readonly { key: string; path: readonly PathSegment[] }[],
  ) => PathSegment[] | undefined;
  readonly splitLabel: (v: unknown) => LabelSplit;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const EXAMPLE =
  'e.g. random: { samples: 20, seed: 7, space: { training.lr.lr: { loguniform: [0.001, 0.1] }, training.schedule.localSteps: { choice: [1, 4, 16] } } }';

/** Reads `{ <kind>: [...] }`; undefined after reporting what is wrong. */
function readDistribution(
  d: unknown,
  at: readonly (string | number)[],
  ctx: RandomContext,
  problems: SweepProblem[],
): Distribution | undefined {
  const keys = isRecord(d) ? Object.keys(d) : [];
  const kind = keys[0] as Kind;
  if (keys.length === 1 && !KINDS.includes(kind)) {
    problems.push({ path: at, message: unknownName('distribution', kind, KINDS) });
    return undefined;
  }
  if (keys.length !== 1) {
    problems.push({
      path: at,
      message: `got ${describeValue(d)}; expected one distribution: { uniform: [lo, hi] }, { loguniform: [lo, hi] }, { int: [lo, hi] } or { choice: [a, b, ...] }`,
    });
    return undefined;
  }
  const arg = (d as Record<string, unknown>)[kind];
  const where = [...at, kind];
  if (kind === 'choice') return readChoice(arg, where, ctx, problems);
  const pair = Array.isArray(arg) && arg.length === 2 && arg.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!pair) {
    problems.push({
      path: where,
      message: `got ${describeValue(arg)}; expected [lo, hi], two finite numbers, e.g. ${kind}: [${kind === 'int' ? '1, 16' : '0.001, 0.1'}]`,
    });
    return undefined;
  }
  const [lo, hi] = arg as [number, number];
  if (lo > hi) {
    problems.push({ path: where, message: `got [${lo}, ${hi}]; expected lo <= hi` });
    return undefined;
  }
  const plain = { value: (x: number) => x, label: () => undefined, wrapped: () => false };
  if (kind === 'uniform') return { kind, ...plain, size: lo === hi ? 1 : Infinity, draw: (r) => r.uniform(lo, hi) };
  if (kind === 'loguniform') {
    if (lo <= 0) {
      problems.push({ path: where, message: `got [${lo}, ${hi}]; expected 0 < lo <= hi (a log-uniform range)` });
      return undefined;
    }
    const a = Math.log(lo);
    const b = Math.log(hi);
    // exp(log) can land a hair outside [lo, hi]; clamp so the range holds exactly.
    return {
      kind,
      ...plain,
      size: lo === hi ? 1 : Infinity,
      draw: (r) => Math.min(hi, Math.max(lo, Math.exp(r.uniform(a, b)))),
    };
  }
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) {
    problems.push({ path: where, message: `got [${lo}, ${hi}]; expected two integers, e.g. int: [1, 16]` });
    return undefined;
  }
  return { kind, ...plain, size: hi - lo + 1, draw: (r) => r.int(lo, hi) };
}

/** Reads `choice: [a, b, ...]`: distinct values, with labels as in grid lists. */
function readChoice(
  arg: unknown,
  at: readonly (string | number)[],
  ctx: RandomContext,
  problems: SweepProblem[],
): Distribution | undefined {
  if (!Array.isArray(arg) || arg.length === 0) {
    problems.push({
      path: at,
      message: `got ${describeValue(arg)}; expected a non-empty list of values, e.g. choice: [1, 4, 16]`,
    });
    return undefined;
  }
  const split = arg.map(ctx.splitLabel);
  let ok = true;
  const seen = new Map<string, number>();
  split.forEach((v, i) => {
    if (v.problem !== undefined) {
      problems.push({ path: [...at, i, 'label'], message: v.problem });
      ok = false;
    }
    const k = JSON.stringify(v.value);
    const first = seen.get(k);
    if (first !== undefined) {
      problems.push({
        path: [...at, i],
        message: `${describeValue(v.value)} repeats item ${first}; give each choice once`,
      });
      ok = false;
    } else seen.set(k, i);
  });
  if (!ok) return undefined;
  return {
    kind: 'choice',
    size: split.length,
    draw: (r) => r.int(0, split.length - 1),
    value: (x) => split[x]!.value,
    label: (x) => split[x]!.label,
    wrapped: (x) => split[x]!.wrapped,
  };
}

/** Reads `seed` or `samples`: an integer in [min, max]; undefined after reporting. */
function readInteger(
  block: Record<string, unknown>,
  key: 'seed' | 'samples',
  min: number,
  max: number,
  problems: SweepProblem[],
): number | undefined {
  const v = block[key];
  const at = ['sweep', RANDOM_KEY, key];
  if (v === undefined) {
    const why = key === 'seed' ? 'a seed, so that the samples are the same on every run' : 'the number of samples';
    problems.push({ path: ['sweep', RANDOM_KEY], message: `missing ${key}: random needs ${why}; ${EXAMPLE}` });
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    problems.push({ path: at, message: `got ${describeValue(v)}; expected an integer >= ${min} and <= ${max}` });
    return undefined;
  }
  return v;
}

/**
 * The label text of each sampled real number: rounded to 3 significant digits, more (up to 6) only
 * when 3 would make two different samples read alike.
 */
export function sampleTexts(values: readonly number[]): string[] {
  const distinct = new Set(values).size;
  for (let p = 3; ; p++) {
    const texts = values.map((v) => String(Number(v.toPrecision(p))));
    if (p >= 6 || new Set(texts).size === distinct) return texts;
  }
}

/**
 * Reads `sweep.random` and draws its samples: one axis per path of `space`, all in group `group`,
 * each with `samples` values (`sampled: true`). Pushes the axes onto `axes`, or problems onto `problems`.
 */
export function readRandom(
  block: unknown,
  group: number,
  ctx: RandomContext,
  axes: SweepAxis[],
  problems: SweepProblem[],
): void {
  const at = ['sweep', RANDOM_KEY];
  if (!isRecord(block)) {
    problems.push({
      path: at,
      message: `got ${describeValue(block)}; expected a mapping with samples, seed and space, ${EXAMPLE}`,
    });
    return;
  }
  const before = problems.length;
  for (const k of Object.keys(block)) {
    if (k !== 'samples' && k !== 'seed' && k !== 'space')
      problems.push({ path: [...at, k], message: `unknown key "${k}"; allowed: samples, seed, space` });
  }
  const samples = readInteger(block, 'samples', 1, MAX_RANDOM_SAMPLES, problems);
  const seed = readInteger(block, 'seed', 0, Number.MAX_SAFE_INTEGER, problems);
  const space = block['space'];
  if (!isRecord(space) || Object.keys(space).length === 0) {
    problems.push({
      path: space === undefined ? at : [...at, 'space'],
      message: `${space === undefined ? 'missing space' : `got ${describeValue(space)}`}; expected a mapping from paths to distributions, ${EXAMPLE}`,
    });
    return;
  }
  const dims: { key: string; path: PathSegment[]; dist: Distribution }[] = [];
  for (const [key, d] of Object.entries(space)) {
    const where = [...at, 'space', key];
    const path = ctx.checkPath(key, where, dims);
    const dist = readDistribution(d, where, ctx, problems);
    if (path !== undefined && dist !== undefined) dims.push({ key, path, dist });
  }
  if (problems.length > before || samples === undefined || seed === undefined) return;
  const size = dims.reduce((n, d) => n * d.dist.size, 1);
  if (samples > size) {
    problems.push({
      path: [...at, 'samples'],
      message: `got ${samples}; the space holds only ${size} distinct points, so at most ${size} samples can differ (or sweep it as a grid)`,
    });
    return;
  }
  const draws = drawSamples(dims, samples, seed);
  if (draws === undefined) {
    problems.push({
      path: [...at, 'samples'],
      message: `got ${samples}; after ${MAX_REDRAWS} draws a sample still repeated an earlier one; ask for fewer samples or a larger space`,
    });
    return;
  }
  dims.forEach(({ key, path, dist }, k) => {
    const xs = draws.map((s) => s[k]!);
    const real = dist.kind === 'uniform' || dist.kind === 'loguniform';
    axes.push({
      key,
      path,
      source: [...at, 'space', key],
      group,
      values: xs.map(dist.value),
      labels: xs.map(dist.label),
      wrapped: xs.map(dist.wrapped),
      sampled: true,
      ...(real ? { texts: sampleTexts(xs) } : {}),
    });
  });
}

/** The draws of every sample (one number per path), distinct; undefined when redrawing does not help. */
function drawSamples(
  dims: readonly { key: string; dist: Distribution }[],
  samples: number,
  seed: number,
): number[][] | undefined {
  const root = new Rng(`sweep-random/${seed}`);
  // One stream per path: adding a path to the space leaves the other paths' samples as they were.
  const streams = dims.map((d) => root.fork(d.key));
  const seen = new Set<string>();
  const out: number[][] = [];
  for (let i = 0; i < samples; i++) {
    for (let tries = 0; ; tries++) {
      if (tries === MAX_REDRAWS) return undefined;
      const s = dims.map((d, k) => d.dist.draw(streams[k]!));
      const key = JSON.stringify(s);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(s);
      break;
    }
  }
  return out;
}
