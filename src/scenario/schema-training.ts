/**
 * The `training` section: the schedule and its options (from the SCHEDULES registry's descriptors), the
 * optimizer with its learning rate and schedule, stop conditions and the evaluation cadence.
 */
import { z } from 'zod';
import { SCHEDULES } from '../schedules/index.ts';
import { LR_SCHEDULES, OPTIMIZERS } from '../training/optimizers/registry.ts';
import type { EvalSpec, Scenario, StopSpec } from './types.ts';
import type { OptionSpec } from '../schedules/options.ts';
import type { OptionValueOf, RunShape } from '../schedules/types.ts';
import { addIssue, defined, memoized, numberField, quantityField } from './fields.ts';
import type { SchemaContext } from './fields.ts';
import { stopKeyHint } from './stop-checks.ts';
import { fromOptimizerOption, fromOptionSpec, kindAndOptions, kinded, optionsShape, strict } from './kinds.ts';
import { optimizerHint } from './option-kinds.ts';
import { runShape, scheduleProblems } from './schedule-check.ts';

/** Any schedule option's parsed value. */
type OptionValue = OptionValueOf<OptionSpec>;

function scheduleSchema(sctx: SchemaContext): z.ZodType<Scenario['training']['schedule']> {
  const variants: Record<string, z.ZodRawShape> = {};
  for (const [name, def] of Object.entries(SCHEDULES)) {
    variants[name] = optionsShape(
      Object.fromEntries(Object.entries(def.options).map(([k, o]) => [k, fromOptionSpec(o)])),
      sctx,
    );
  }
  return kinded('schedule', variants, { default: 'sync-allreduce', hint: retiredScheduleOption }).transform(
    (v, ctx) => {
      const out = kindAndOptions<OptionValue>(v);
      // The schedule's own check against the cluster (more shards than workers, ...), as the runner makes
      // it; here, from the node groups as written, so it is reported with errors of other sections.
      const def = SCHEDULES[out.kind];
      const shape = shapeOf(sctx);
      if (def !== undefined && shape !== undefined) {
        for (const p of scheduleProblems(def, out.options, shape)) {
          if (p.option === undefined) addIssue(ctx, v, p.message);
          else addIssue(ctx, v[p.option], p.message, [p.option]);
        }
      }
      return out;
    },
  );
}

/** The run's shape, once per distinct set of node groups in a load; none when they cannot be read. */
function shapeOf(sctx: SchemaContext): RunShape | undefined {
  const layout = sctx.layout;
  // Without `shape` the groups hold too many GPUs (or are unreadable): the cluster schema says why.
  if (layout === undefined || sctx.shape === undefined) return undefined;
  return memoized(sctx, `run-shape:${JSON.stringify(layout.groups)}`, () => runShape(layout.groups));
}

/** The schedule's note for an option it renamed (a plain did-you-mean cannot explain a rename). */
function retiredScheduleOption(kind: string, keys: readonly string[]): string | undefined {
  const retired = SCHEDULES[kind]?.retiredOptions;
  if (retired === undefined) return undefined;
  const notes = keys.filter((k) => Object.hasOwn(retired, k)).map((k) => retired[k]!);
  return notes.length === 0 ? undefined : notes.join('; ');
}

function lrScheduleSchema(sctx: SchemaContext): z.ZodType<{ kind: string; options: Record<string, number> }> {
  const variants: Record<string, z.ZodRawShape> = {};
  for (const [name, entry] of Object.entries(LR_SCHEDULES)) {
    // The base rate is the optimizer's learningRate: one place for it, so sweeps and formulas touch one key.
    const specs = Object.entries(entry.options).filter(([k]) => k !== 'lr');
    variants[name] = optionsShape(Object.fromEntries(specs.map(([k, o]) => [k, fromOptimizerOption(o)])), sctx);
  }
  const hint = (_kind: string, keys: readonly string[]): string | undefined =>
    keys.includes('lr') ? 'the base learning rate is training.optimizer.learningRate' : undefined;
  return kinded('learning-rate schedule', variants, { default: 'constant', hint }).transform((v) =>
    kindAndOptions<number>(v),
  );
}

interface OptimizerOut {
  readonly optimizer: Scenario['training']['optimizer'];
  readonly lr: Scenario['training']['lr'];
}

function optimizerSchema(sctx: SchemaContext): z.ZodType<OptimizerOut> {
  const variants: Record<string, z.ZodRawShape> = {};
  for (const [name, entry] of Object.entries(OPTIMIZERS)) {
    variants[name] = {
      ...optionsShape(
        Object.fromEntries(Object.entries(entry.options).map(([k, o]) => [k, fromOptimizerOption(o)])),
        sctx,
      ),
      learningRate: numberField(
        { default: LR_SCHEDULES['constant']?.options['lr']?.default ?? 0.1, greaterThan: 0 },
        sctx,
      ),
      lrSchedule: lrScheduleSchema(sctx),
    };
  }
  return kinded('optimizer', variants, { default: 'sgd', hint: optimizerHint }).transform((v, ctx): OptimizerOut => {
    const { kind, options } = kindAndOptions<unknown>(v);
    const { learningRate, lrSchedule, ...own } = options;
    const schedule = lrSchedule as { kind: string; options: Record<string, number> };
    const out: OptimizerOut = {
      optimizer: { kind, options: own as Record<string, number> },
      lr: { kind: schedule.kind, options: { lr: learningRate as number, ...schedule.options } },
    };
    // The factories check ranges the descriptors do not state (momentum in [0, 1), ...); they only
    // store numbers, so calling them here costs nothing and catches the error before any run.
    const check = (path: PropertyKey[], make: () => unknown): void => {
      try {
        make();
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        // "momentum must be in [0, 1), got 1.5": point at that option when the message names one.
        // The learning-rate schedule is already split into { kind, options } here; its keys are in options.
        const node = path.reduce<unknown>((o, k) => (o as Record<PropertyKey, unknown> | undefined)?.[k], v) as
          Record<string, unknown> | undefined;
        const opts = (path.length > 0 ? node?.['options'] : node) as Record<string, unknown> | undefined;
        const key = /^(\w+) must /.exec(err.message)?.[1];
        const named = key !== undefined && opts !== undefined && Object.hasOwn(opts, key);
        addIssue(ctx, named ? opts[key] : node, err.message, named ? [...path, key] : path);
      }
    };
    check([], () => OPTIMIZERS[kind]?.create(out.optimizer.options));
    check(['lrSchedule'], () => LR_SCHEDULES[schedule.kind]?.create(out.lr.options));
    return out;
  });
}

/**
 * The stop conditions when a scenario gives none. The scenario check compares by identity to tell
 * "no stop given" from an explicit `{ epochs: 1 }` (timing-only runs timed by a profile must say how
 * to stop; stop-checks.ts), so this one object is what `stopSchema` returns for a missing `stop`.
 */
export const DEFAULT_STOP: StopSpec = Object.freeze({ epochs: 1 });

function stopSchema(sctx: SchemaContext): z.ZodType<StopSpec> {
  return strict(
    {
      epochs: numberField({ greaterThan: 0 }, sctx),
      updates: numberField({ integer: true, min: 1 }, sctx),
      simTime: quantityField('duration'),
      targetAccuracy: numberField({ greaterThan: 0, max: 1, formula: false }),
    },
    stopKeyHint,
  )
    .optional()
    .transform((s, ctx): StopSpec => {
      if (s === undefined) return DEFAULT_STOP;
      const out = defined({
        epochs: s.epochs,
        updates: s.updates,
        simTimeS: s.simTime,
        targetAccuracy: s.targetAccuracy,
      });
      if (Object.keys(out).length === 0)
        addIssue(ctx, s, 'expected at least one of epochs, updates, simTime, targetAccuracy');
      if (s.simTime === 0) addIssue(ctx, s.simTime, 'got 0 s; expected a duration > 0', ['simTime']);
      return out;
    });
}

/** Most accuracy thresholds a run reports (each is a summary.csv column). */
export const MAX_EVAL_THRESHOLDS = 10;

const thresholdsField = z
  .array(numberField({ greaterThan: 0, max: 1, formula: false }) as z.ZodType<number>)
  .min(1)
  .max(MAX_EVAL_THRESHOLDS)
  .optional()
  .superRefine((list, ctx) => {
    list?.forEach((t, i) => {
      const j = list.indexOf(t);
      if (j < i) addIssue(ctx, t, `${t} repeats item ${j}; list each accuracy once`, [i]);
    });
  })
  .transform((list) => (list === undefined ? undefined : [...new Set(list)].sort((a, b) => a - b)));

function evalSchema(sctx: SchemaContext): z.ZodType<EvalSpec> {
  return strict({
    every: quantityField('duration'),
    everyUpdates: numberField({ integer: true, min: 1 }, sctx),
    samples: numberField({ integer: true, min: 1 }, sctx),
    thresholds: thresholdsField,
  })
    .prefault({} as never)
    .transform((e, ctx): EvalSpec => {
      // `every` and `everyUpdates` may be given together: the model is evaluated on both cadences.
      if (e.every === 0) addIssue(ctx, e.every, 'got 0 s; expected a duration > 0', ['every']);
      return defined({ everyS: e.every, everyUpdates: e.everyUpdates, samples: e.samples, thresholds: e.thresholds });
    });
}

/** The `training` section's schema. */
export function trainingSchema(sctx: SchemaContext): z.ZodType<Scenario['training']> {
  return strict({
    schedule: scheduleSchema(sctx),
    optimizer: optimizerSchema(sctx),
    stop: stopSchema(sctx),
    eval: evalSchema(sctx),
  })
    .prefault({} as never)
    .transform((t): Scenario['training'] => ({
      schedule: t.schedule,
      optimizer: t.optimizer.optimizer,
      lr: t.optimizer.lr,
      stop: t.stop,
      eval: t.eval,
    })) as unknown as z.ZodType<Scenario['training']>;
}
