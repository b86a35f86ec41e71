/**
 * Loading a scenario: text → data (YAML or JSON) → `--set` overrides → sweep points → one validated,
 * normalized `Scenario` per point → one run per point and seed (`repeats`, repeats.ts). Nothing is run and every problem is collected first, so a
 * `ScenarioError` lists all of them (each with file:line:column or the `--set` it came from).
 */
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { ScenarioError } from './errors.ts';
import type { ScenarioIssue } from './errors.ts';
import type { FormulaScope } from './formula.ts';
import { DEFAULT_MAX_RUNS, MAX_RUNS_CEILING, MAX_SCENARIO_BYTES, MAX_TRACE_BYTES } from './limits.ts';
import { describeValue, scenarioErrorMap } from './messages.ts';
import { cloneData, formatPath, isPrefix, parsePath, setPath } from './paths.ts';
import type { PathSegment } from './paths.ts';
import { FileLimitError, describeBytes, readTextFile } from './read-file.ts';
import { clusterLayout } from './rank-lists.ts';
import type { ClusterLayout } from './rank-lists.ts';
import { clusterShape, scenarioSchema } from './schema.ts';
import { parseText, parseValueText } from './source.ts';
import type { SourceText } from './source.ts';
import { didYouMean } from './suggest.ts';
import { readSweep, sweepPoints } from './sweep.ts';
import { readRepeats, repeatRuns, repeatSeedProblem } from './repeats.ts';
import type { SweepAxis, SweepPoint, SweepProblem } from './sweep.ts';
import { sweepSizeProblems } from './sweep-limits.ts';
import type { Scenario } from './types.ts';

/** Options of `loadScenario` and `parseScenario`. */
export interface LoadOptions {
  /** `path=value` settings from `--set`; the value is read as YAML (`3`, `async-ps`, `[1, 2]`, `{kind: ring}`, `null` removes). */
  readonly overrides?: readonly string[];
  /** Replaces the file's seed (`--seed`). */
  readonly seed?: number;
  /** Forces `mode: timing-only` (`--timing-only`). */
  readonly timingOnly?: boolean;
  /**
   * Reads the scenario file and the files it names (straggler traces); tests pass a fake. Default: the
   * file's UTF-8 text, refused unread when it is larger than its limit (`MAX_SCENARIO_BYTES`,
   * `MAX_TRACE_BYTES`). Texts a fake returns are held to the same limits.
   */
  readonly readFile?: (path: string) => string;
  /** Most runs a sweep may expand to (`--max-runs`); default `DEFAULT_MAX_RUNS`, at most `MAX_RUNS_CEILING`. */
  readonly maxRuns?: number;
}

/** What a scenario file expands to. */
export interface LoadedScenario {
  /** The file as given. */
  readonly file: string;
  /** Its text, unchanged (for manifests and hashes). */
  readonly text: string;
  /**
   * One run per sweep point and seed, in sweep order, the repeats of a point next to each other in
   * seed order (one run without a sweep and repeats).
   */
  readonly runs: readonly Scenario[];
}

interface Override {
  readonly path: readonly PathSegment[];
  readonly value: unknown;
  /** How the user wrote it, for messages. */
  readonly origin: string;
}

/**
 * A reader of the files a scenario names, limited to `MAX_TRACE_BYTES` and memoized per path, so a
 * sweep reads (and its schema checks) each file once.
 */
export function traceReader(read: ((path: string) => string) | undefined): (path: string) => string {
  const seen = new Map<string, string>();
  return (path) => {
    let text = seen.get(path);
    if (text === undefined) {
      text = read === undefined ? readTextFile(path, MAX_TRACE_BYTES) : read(path);
      if (text.length > MAX_TRACE_BYTES) throw new FileLimitError(`the file is over ${describeBytes(MAX_TRACE_BYTES)}`);
      seen.set(path, text);
    }
    return text;
  };
}

function readOverrides(file: string, opts: LoadOptions, issues: ScenarioIssue[]): Override[] {
  const out: Override[] = [];
  for (const text of opts.overrides ?? []) {
    const origin = `--set ${text}`;
    const eq = text.indexOf('=');
    if (eq < 0) {
      issues.push({
        file,
        origin,
        path: '',
        message: 'expected path=value, e.g. --set training.schedule.kind=async-ps',
      });
      continue;
    }
    const raw = text.slice(eq + 1);
    try {
      const path = parsePath(text.slice(0, eq));
      if (raw.trim() === '') throw new Error('no value after "="; write null to remove a key');
      // The same rules as the file: no tags, defined aliases, bounded size.
      const value = parseValueText(raw);
      if (!value.ok) throw new Error(value.message);
      out.push({ path, value: value.value, origin });
    } catch (err) {
      issues.push({ file, origin, path: '', message: err instanceof Error ? err.message : String(err) });
    }
  }
  if (opts.seed !== undefined) out.push({ path: ['seed'], value: opts.seed, origin: `--seed ${opts.seed}` });
  if (opts.timingOnly === true) out.push({ path: ['mode'], value: 'timing-only', origin: '--timing-only' });
  return out;
}

/** Where an issue at `path` should point: the `--set` that put the value there, a sweep value, or the file. */
function place(
  source: SourceText,
  overrides: readonly Override[],
  axes: readonly SweepAxis[],
  point: SweepPoint,
  path: readonly PropertyKey[],
  key: boolean,
): Pick<ScenarioIssue, 'line' | 'column' | 'origin'> {
  const axis = axes.findIndex((a) => isPrefix(a.path, path));
  if (axis >= 0) {
    const a = axes[axis]!;
    const i = point.indices[axis]!;
    if (a.sampled === true) {
      // A drawn value is not in the file: point at its path in `space`.
      const at = source.locate(a.source, { key: true });
      return at === undefined ? {} : { line: at.line, column: at.column };
    }
    const node = source.nodeAt(a.wrapped[i] === true ? [...a.source, i, 'value'] : [...a.source, i]);
    const pos = source.locate(path.slice(a.path.length), { from: node ?? null, key });
    return pos === undefined ? {} : { line: pos.line, column: pos.column };
  }
  const o = [...overrides].reverse().find((x) => isPrefix(x.path, path));
  if (o !== undefined) return { origin: o.origin };
  // A path the file does not have but a sweep key or --set created (a misspelt key): blame that.
  const made = axes.find((a) => isPrefix(path, a.path));
  if (made !== undefined) {
    const at = source.locate(made.source, { key: true });
    return at === undefined ? {} : { line: at.line, column: at.column };
  }
  const o2 = overrides.find((x) => isPrefix(path, x.path));
  if (o2 !== undefined && source.nodeAt(path as PathSegment[]) === undefined) return { origin: o2.origin };
  const pos = source.locate(path, { key });
  return pos === undefined ? {} : { line: pos.line, column: pos.column };
}

/**
 * One issue per unknown key, pointing at the key itself (what the user has to change). The error map
 * wrote `unknown key(s) ...; allowed: a, b[; hint]`, so the allowed list is read back from it.
 */
function perKey(message: string, keys: readonly string[]): string[] {
  const at = message.indexOf('; allowed: ');
  if (keys.length === 1 || at < 0) return keys.map(() => message);
  const tail = message.slice(at);
  const allowed = tail.slice('; allowed: '.length).split(';')[0]!.split(', ');
  return keys.map((k) => `unknown key "${k}"${didYouMean(k, allowed)}${tail}`);
}

/**
 * One scenario issue per zod issue, placed by `where`. Unknown keys get one issue each, at the key.
 * `prefix` is the path of the parsed value inside the file (empty for a whole scenario).
 */
export function zodIssues(
  err: z.ZodError,
  file: string,
  where: (path: readonly PropertyKey[], key: boolean) => Pick<ScenarioIssue, 'line' | 'column' | 'origin'>,
  prefix: readonly PropertyKey[] = [],
): ScenarioIssue[] {
  return err.issues.flatMap((iss): ScenarioIssue[] => {
    if (iss.code === 'unrecognized_keys') {
      const messages = perKey(iss.message, iss.keys);
      return iss.keys.map((k, i) => {
        const path = [...prefix, ...iss.path, k];
        return { file, ...where(path, true), path: formatPath(path), message: messages[i]! };
      });
    }
    const path = [...prefix, ...iss.path];
    return [{ file, ...where(path, false), path: formatPath(path), message: iss.message }];
  });
}

/** Merges issues found at several sweep points: one entry per problem, naming the points unless all. */
function mergeIssues(perPoint: readonly (readonly ScenarioIssue[])[], labels: readonly string[]): ScenarioIssue[] {
  const byText = new Map<string, { issue: ScenarioIssue; points: string[] }>();
  perPoint.forEach((issues, p) => {
    for (const i of issues) {
      const k = JSON.stringify([i.origin, i.line, i.column, i.path, i.message]);
      const e = byText.get(k);
      if (e === undefined) byText.set(k, { issue: i, points: [labels[p]!] });
      else if (!e.points.includes(labels[p]!)) e.points.push(labels[p]!);
    }
  });
  return [...byText.values()].map(({ issue, points }) =>
    points.length === labels.length || labels.length <= 1 ? issue : { ...issue, points },
  );
}

/**
 * Validates scenario `text` (named `file` for messages and relative paths) and expands its sweep.
 * @throws ScenarioError listing every problem: syntax, duplicate keys, bad overrides or sweep, and every
 *   schema issue of every sweep point.
 */
export function parseScenario(text: string, file: string, opts: LoadOptions = {}): LoadedScenario {
  const parsed = parseText(text, file);
  if (!parsed.ok) throw new ScenarioError(file, parsed.issues);
  const { source } = parsed;
  const issues: ScenarioIssue[] = [];
  if (typeof source.data !== 'object' || source.data === null || Array.isArray(source.data)) {
    const got =
      source.data === null || source.data === undefined
        ? 'the file holds no data'
        : `got ${Array.isArray(source.data) ? 'a list' : describeValue(source.data)}`;
    throw new ScenarioError(file, [
      { file, line: 1, column: 1, path: '', message: `${got}; expected a mapping with at least name and cluster` },
    ]);
  }
  const overrides = readOverrides(file, opts, issues);
  const base = cloneData(source.data as Record<string, unknown>);
  for (const o of overrides) {
    try {
      setPath(base, o.path, o.value);
    } catch (err) {
      issues.push({ file, origin: o.origin, path: formatPath(o.path), message: (err as Error).message });
    }
  }
  const { axes, problems }: { axes: SweepAxis[]; problems: (SweepProblem & { atKey?: true })[] } = readSweep(
    base['sweep'],
    overrides.filter((o) => o.path[0] !== 'sweep').map((o) => o.path),
  );
  const maxRuns = opts.maxRuns ?? DEFAULT_MAX_RUNS;
  const repeats = readRepeats(base);
  if (!Number.isInteger(maxRuns) || maxRuns < 1 || maxRuns > MAX_RUNS_CEILING) {
    issues.push({
      file,
      origin: `--max-runs ${String(opts.maxRuns)}`,
      path: '',
      message: `expected an integer >= 1 and <= ${MAX_RUNS_CEILING}`,
    });
  } else if (problems.length === 0) {
    // Sized before a single point is expanded: a 10^6-point grid is rejected at once.
    const at = axes.length === 0 ? ['repeats'] : ['sweep'];
    for (const message of sweepSizeProblems(base, axes, source.values, maxRuns, repeats))
      problems.push({ path: at, message, atKey: true });
  }
  for (const p of problems) {
    const o = overrides.find((x) => isPrefix(x.path, p.path as PathSegment[]));
    const pos = o === undefined ? source.locate(p.path, { key: p.path.length === 2 || 'atKey' in p }) : undefined;
    issues.push({
      file,
      ...(o === undefined ? (pos ?? {}) : { origin: o.origin }),
      path: formatPath(p.path),
      message: p.message,
    });
  }
  if (issues.length > 0) throw new ScenarioError(file, issues);
  delete base['sweep'];

  const points = sweepPoints(axes);
  // One schema for every point: it reads the point's cluster shape from `shape` when it parses, and
  // shares the files it read and the clusters it built through `memo` (building it costs ~3 ms).
  let shape: FormulaScope | undefined;
  let layout: ClusterLayout | undefined;
  const schema = scenarioSchema({
    get shape() {
      return shape;
    },
    get layout() {
      return layout;
    },
    baseDir: dirname(resolve(file)),
    readFile: traceReader(opts.readFile),
    memo: new Map(),
  });
  const runs: Scenario[] = [];
  const perPoint: ScenarioIssue[][] = [];
  for (const [configId, point] of points.entries()) {
    const raw = cloneData(base);
    const pointIssues: ScenarioIssue[] = [];
    axes.forEach((a, k) => {
      try {
        setPath(raw, a.path, cloneData(a.values[point.indices[k]!]));
      } catch (err) {
        const pos = source.locate(a.source, { key: true });
        pointIssues.push({ file, ...(pos ?? {}), path: formatPath(a.source), message: (err as Error).message });
      }
    });
    if (pointIssues.length === 0) {
      shape = clusterShape(raw);
      layout = clusterLayout(raw);
      const r = schema.safeParse(raw, { error: scenarioErrorMap, reportInput: true });
      // The full settings of the point, as written, for the manifest: the label is short by design.
      const sweepValues =
        axes.length === 0
          ? {}
          : { sweepValues: Object.fromEntries(axes.map((a, k) => [a.key, a.values[point.indices[k]!]])) };
      const seedProblem = r.success ? repeatSeedProblem(r.data.seed, repeats) : undefined;
      if (seedProblem !== undefined) {
        const pos = place(source, overrides, axes, point, ['seed'], false);
        pointIssues.push({ file, ...pos, path: 'seed', message: seedProblem });
      } else if (r.success)
        runs.push(...repeatRuns({ file, point: point.label, ...sweepValues, ...r.data }, configId, repeats));
      else
        pointIssues.push(...zodIssues(r.error, file, (path, key) => place(source, overrides, axes, point, path, key)));
    }
    perPoint.push(pointIssues);
  }
  const all = mergeIssues(
    perPoint,
    points.map((p) => p.label),
  );
  if (all.length > 0) throw new ScenarioError(file, all);
  return { file, text, runs };
}

/**
 * Reads and validates the scenario file `file` (.yaml, .yml or .json). A file over `MAX_SCENARIO_BYTES`
 * is refused by its size, before it is read.
 * @throws ScenarioError for an unreadable or too large file, another extension, or anything `parseScenario` rejects.
 */
export function loadScenario(file: string, opts: LoadOptions = {}): LoadedScenario {
  return parseScenario(readScenarioText(file, opts.readFile), file, opts);
}

/**
 * The text of the scenario file `file`: by extension (.yaml, .yml or .json) and size (at most
 * `MAX_SCENARIO_BYTES`, checked before reading), through `read` when given (tests).
 * @throws ScenarioError for another extension, or a file that is too large or cannot be read.
 */
export function readScenarioText(file: string, read?: (path: string) => string): string {
  if (!/\.(ya?ml|json)$/i.test(file)) {
    throw new ScenarioError(file, [{ file, path: '', message: 'expected a .yaml, .yml or .json file' }]);
  }
  try {
    return read === undefined ? readTextFile(file, MAX_SCENARIO_BYTES) : read(file);
  } catch (err) {
    const why =
      err instanceof FileLimitError
        ? err.message
        : `cannot read the file: ${err instanceof Error ? err.message : String(err)}`;
    throw new ScenarioError(file, [{ file, path: '', message: why }]);
  }
}
