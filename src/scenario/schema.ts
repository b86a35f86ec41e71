/**
 * The scenario file's schema (design.md §5), assembled from the section schemas, which are built from
 * the registries (schedules, GPUs, models, datasets, optimizers, network models, topologies,
 * collectives, stragglers, timing profiles). It is built per run because formulas and worker lists are
 * checked against that run's cluster shape, which `clusterShape` reads from the raw data first.
 */
import { z } from 'zod';
import type { FormulaScope } from './formula.ts';
import type { SchemaContext } from './fields.ts';
import { addIssue, field, numberField } from './fields.ts';
import { MAX_CLUSTER_GPUS } from '../hardware/cluster.ts';
import { MAX_REPEATS } from './limits.ts';
import { PRECISIONS } from '../hardware/device-spec.ts';
import { resolveGpu } from '../hardware/gpu-catalog.ts';
import { strict } from './kinds.ts';
import { describeValue } from './messages.ts';
import {
  AUTO_LINKS_MAX_WORKERS,
  AUTO_ROWS_MAX_WORKERS,
  DEFAULT_TRACE_LIMIT,
  DEFAULT_UPDATES_LIMIT,
  MAX_TRACE_LIMIT,
  MAX_UPDATES_LIMIT,
} from '../results/output-defaults.ts';
import { clusterSchema } from './schema-cluster.ts';
import { checkRunSetup } from './setup-check.ts';
import { DEFAULT_STOP, trainingSchema } from './schema-training.ts';
import { epochProblem } from './stop-checks.ts';
import { workloadSchema } from './schema-workload.ts';
import type { Scenario } from './types.ts';
import { AUTO_PLOTS_MAX_RECORDS } from '../results/plots/auto-plots.ts';
import type { PlotsSetting } from '../results/plots/auto-plots.ts';

/** The top-level keys of a scenario file. */
export const TOP_LEVEL_KEYS: readonly string[] = Object.freeze([
  'name',
  'description',
  'seed',
  'mode',
  'cluster',
  'workload',
  'training',
  'output',
  'sweep',
  'repeats',
]);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;

/**
 * The run's shape from raw (unvalidated) data: total workers and nodes, and gpusPerNode when every
 * group has the same. `undefined` when the node groups cannot be read or hold more than
 * `MAX_CLUSTER_GPUS` GPUs (formulas are not evaluated over such a shape); the schema reports why.
 */
export function clusterShape(raw: unknown): FormulaScope | undefined {
  const nodes = isRecord(raw) && isRecord(raw['cluster']) ? raw['cluster']['nodes'] : undefined;
  if (!Array.isArray(nodes) || nodes.length === 0) return undefined;
  let workers = 0;
  let count = 0;
  const perNode = new Set<number>();
  for (const g of nodes) {
    if (!isRecord(g)) return undefined;
    const c = g['count'] ?? 1;
    const p = g['gpusPerNode'] ?? 1;
    if (!isCount(c) || !isCount(p)) return undefined;
    count += c;
    workers += c * p;
    perNode.add(p);
  }
  if (workers > MAX_CLUSTER_GPUS) return undefined;
  const [only] = perNode;
  return perNode.size === 1 && only !== undefined
    ? { workers, nodes: count, gpusPerNode: only }
    : { workers, nodes: count, gpusPerNodeNote: `node groups have ${[...perNode].join(', ')} GPUs per node` };
}

// A name is a folder name (results/<name>): at most 100 characters, well inside the 255 bytes a
// file system allows once the writer's `.tmp-<pid>-<n>` suffix is added.
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** A scenario as the schema returns it: everything but where it came from. */
export type ParsedScenario = Omit<Scenario, 'file' | 'point'>;

const updatesSetting = field((v, ctx): boolean | 'auto' => {
  if (v === undefined || v === 'auto') return 'auto';
  if (typeof v === 'boolean') return v;
  addIssue(
    ctx,
    v,
    `got ${describeValue(v)}; expected true, false or auto (auto: rows up to ${AUTO_ROWS_MAX_WORKERS} workers)`,
  );
  return 'auto';
});

// Plots are drawn from the files written, so `auto` bounds what is read back (plots/auto-plots.ts).
const plotsSetting = field((v, ctx): PlotsSetting => {
  if (v === undefined || v === 'auto') return 'auto';
  if (typeof v === 'boolean') return v;
  addIssue(
    ctx,
    v,
    `got ${describeValue(v)}; expected true, false or auto (auto: plots when the runs recorded at most ${AUTO_PLOTS_MAX_RECORDS.toLocaleString('en-US')} evals, update rows and spans in all)`,
  );
  return 'auto';
});

// `links` stays absent unless given, so that resolved scenarios (and run keys) written before it existed stay the same.
const linksSetting = field((v, ctx): boolean | 'auto' | undefined => {
  if (v === undefined || v === 'auto' || typeof v === 'boolean') return v;
  addIssue(
    ctx,
    v,
    `got ${describeValue(v)}; expected true, false or auto (auto: links.csv for network.model flow up to ${AUTO_LINKS_MAX_WORKERS} workers)`,
  );
  return undefined;
});

const outputSchema = strict({
  dir: z.string().min(1).optional(),
  trace: z.boolean().default(true),
  traceLimit: numberField({
    integer: true,
    min: 0,
    max: MAX_TRACE_LIMIT,
    default: DEFAULT_TRACE_LIMIT,
    formula: false,
  }),
  updates: updatesSetting,
  updatesLimit: numberField({
    integer: true,
    min: 0,
    max: MAX_UPDATES_LIMIT,
    default: DEFAULT_UPDATES_LIMIT,
    formula: false,
  }),
  plots: plotsSetting,
  links: linksSetting,
}).prefault({} as never);

/**
 * The whole file's schema for one run. `sweep` is accepted but not read here: the loader expands it
 * before validation (sweep.ts), so each point is checked with this schema. `repeats` is checked here
 * and expanded by the loader after validation (repeats.ts): repeats differ only in their seed.
 */
export function scenarioSchema(sctx: SchemaContext): z.ZodType<ParsedScenario> {
  return strict({
    name: z.string().regex(NAME, {
      error: (iss) =>
        `got ${describeValue(iss.input)}; expected a name of at most 100 letters, digits, ".", "_" and "-" (it names the results folder)`,
    }),
    description: z.string().optional(),
    seed: numberField({ integer: true, min: 0, max: Number.MAX_SAFE_INTEGER, default: 1, formula: false }),
    mode: z.enum(['full', 'timing-only']).default('full'),
    cluster: clusterSchema(sctx),
    workload: workloadSchema(sctx),
    training: trainingSchema(sctx),
    output: outputSchema,
    sweep: field(() => undefined),
    // Checked here so a bad value is reported like any other (file:line:col); the loader expands it (repeats.ts).
    repeats: numberField({ integer: true, min: 1, max: MAX_REPEATS, default: 1, formula: false }),
  }).transform((s, ctx): ParsedScenario => {
    const stop = s.training.stop;
    if (
      s.mode === 'timing-only' &&
      stop.targetAccuracy !== undefined &&
      stop.epochs === undefined &&
      stop.updates === undefined &&
      stop.simTimeS === undefined
    ) {
      addIssue(
        ctx,
        stop.targetAccuracy,
        'timing-only runs do not evaluate, so a target accuracy never stops them; add epochs, updates or simTime',
        ['training', 'stop', 'targetAccuracy'],
      );
    }
    const epochs = epochProblem(s.mode, s.workload.timing, s.workload.dataset.kind, stop, stop === DEFAULT_STOP);
    if (epochs !== undefined) addIssue(ctx, epochs.input, epochs.message, epochs.path);
    // Every GPU must have the precision the timed model runs at (V100s have no bf16, for example).
    const precision = s.workload.precision;
    const lacking = new Set<string>();
    for (const g of s.cluster.nodes) {
      try {
        const spec = resolveGpu(g.gpu, 'gpu');
        if (spec.peak[precision] === undefined)
          lacking.add(`${spec.name} (has ${PRECISIONS.filter((q) => spec.peak[q] !== undefined).join(', ')})`);
      } catch {
        // A bad GPU is reported at its own path by the cluster schema.
      }
    }
    if (lacking.size > 0) {
      addIssue(
        ctx,
        precision,
        `${[...lacking].join('; ')} cannot run ${precision}; set workload.precision to a precision every GPU has`,
        ['workload', 'precision'],
      );
    }
    const o = s.output;
    const limits = {
      trace: o.trace,
      traceLimit: o.traceLimit ?? DEFAULT_TRACE_LIMIT,
      updates: o.updates,
      updatesLimit: o.updatesLimit ?? DEFAULT_UPDATES_LIMIT,
      plots: o.plots,
      ...(o.links === undefined ? {} : { links: o.links }),
    };
    const output = o.dir === undefined ? limits : { dir: o.dir, ...limits };
    const parsed: ParsedScenario = {
      name: s.name,
      ...(s.description === undefined ? {} : { description: s.description }),
      seed: s.seed ?? 1,
      mode: s.mode,
      cluster: s.cluster,
      workload: s.workload,
      training: s.training,
      output,
    };
    // What the run's set-up would reject, found now with the file and path (setup-check.ts).
    if (lacking.size === 0) checkRunSetup(parsed, sctx, ctx);
    return parsed;
  }) as unknown as z.ZodType<ParsedScenario>;
}
