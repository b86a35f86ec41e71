/**
 * The `workload` section: the model trained for real, its dataset and sharding, the per-worker batch
 * size, how step time is predicted (`timing`), and the precision and efficiency of the timed model.
 */
import { z } from 'zod';
import type { ComputeOverrides } from '../hardware/compute-efficiency.ts';
import { MIN_EFFICIENCY, PRECISIONS } from '../hardware/device-spec.ts';
import type { Precision } from '../hardware/device-spec.ts';
import { DATASETS } from '../training/datasets/registry.ts';
import type { ShardSpec } from '../training/datasets/sharding.ts';
import { MODEL_KINDS } from '../training/models/create-model.ts';
import type { ModelConfig } from '../training/models/create-model.ts';
import { MLP_PRESET_NAMES, type MlpPreset } from '../training/models/mlp.ts';
import { WEIGHT_INITS } from '../training/models/layout.ts';
import type { WeightInit } from '../training/models/layout.ts';
import { PROFILES } from '../workload/index.ts';
import type { Scenario, TimingSpec } from './types.ts';
import { addIssue, defined, field, intField, numberField, quantityField } from './fields.ts';
import type { SchemaContext } from './fields.ts';
import { fromDatasetOption, kindAndOptions, kinded, optionsShape } from './kinds.ts';
import { MAX_BATCH_SIZE } from './limits.ts';
import { unknownName } from './suggest.ts';

const count = intField(1);

// The model kinds are a TypeScript union, not a descriptor registry, so their shapes are listed here;
// the check below fails at load time if create-model.ts gains a kind this file does not describe.
// Every kind takes `init`; absent, the default (`relu-he`) applies and is not written into the
// normalized scenario, so scenarios that do not name it keep their hash.
const init = z.enum(WEIGHT_INITS as [WeightInit, ...WeightInit[]]).optional();
const MODEL_SHAPES: Readonly<Record<ModelConfig['kind'], z.ZodRawShape>> = {
  'logistic-regression': { inputSize: count, numClasses: count, init },
  mlp: {
    preset: z.enum(MLP_PRESET_NAMES as [MlpPreset, ...MlpPreset[]]).optional(),
    hidden: z.array(count).min(1).optional(),
    inputSize: count,
    numClasses: count,
    init,
  },
  cnn: {
    init,
    imageSize: count.refine((s) => s === undefined || s % 4 === 0, {
      error: (iss) => `got ${String(iss.input)}; expected a positive multiple of 4 (two 2×2 poolings)`,
    }),
    channels: count,
    filters: z.tuple([count, count]).optional(),
    kernel: count,
    numClasses: count,
  },
};
for (const k of MODEL_KINDS)
  if (!(k in MODEL_SHAPES)) throw new Error(`scenario schema: model kind '${k}' has no schema`);

const modelSchema = kinded('model', MODEL_SHAPES, { default: 'mlp' }).transform((m, ctx): ModelConfig => {
  if (m.kind === 'mlp') {
    if (m['preset'] !== undefined && m['hidden'] !== undefined)
      addIssue(ctx, m['hidden'], "give either preset ('2nn') or hidden (layer widths), not both", ['hidden']);
    // Neither: the 2NN of McMahan et al. (784-200-200-10), the default model.
    if (m['preset'] === undefined && m['hidden'] === undefined)
      return { ...defined(m), kind: 'mlp', preset: '2nn' } as ModelConfig;
  }
  return defined(m) as unknown as ModelConfig;
});

// The data seed: absent, the split and samples are the same for every run seed (DEFAULT_DATA_SEED),
// and it stays out of the normalized scenario so existing scenarios keep their hash.
const dataSeed = numberField({ integer: true, min: 0, max: Number.MAX_SAFE_INTEGER, formula: false });

function datasetSchema(
  sctx: SchemaContext,
): z.ZodType<{ kind: string; options: Record<string, number>; seed?: number }> {
  const variants: Record<string, z.ZodRawShape> = {};
  for (const [name, entry] of Object.entries(DATASETS)) {
    variants[name] = {
      ...optionsShape(
        Object.fromEntries(Object.entries(entry.options).map(([k, o]) => [k, fromDatasetOption(o)])),
        sctx,
      ),
      seed: dataSeed,
    };
  }
  return kinded('dataset', variants, { default: 'mnist' }).transform((v) => {
    const { kind, options } = kindAndOptions<number | undefined>(v);
    const { seed, ...rest } = options;
    return { kind, options: rest as Record<string, number>, ...(seed === undefined ? {} : { seed }) };
  });
}

function shardingSchema(sctx: SchemaContext): z.ZodType<ShardSpec> {
  return kinded(
    'sharding',
    {
      iid: {},
      dirichlet: {
        alpha: numberField({ required: true, greaterThan: 0 }, sctx),
        minPerWorker: numberField({ integer: true, min: 0 }, sctx),
        maxTries: numberField({ integer: true, min: 1 }, sctx),
      },
      classes: { shardsPerWorker: numberField({ integer: true, min: 1 }, sctx) },
    },
    { default: 'iid' },
  ).transform((v) => defined(v) as unknown as ShardSpec);
}

// Profile names match ignoring case, spaces, dashes, underscores and dots, as the workload registry does.
const normalizeProfile = (s: string): string => s.toLowerCase().replace(/[\s_.-]+/g, '');

const profileName = field((v, ctx): string | undefined => {
  const names = Object.keys(PROFILES);
  const hit = typeof v === 'string' ? names.find((n) => normalizeProfile(n) === normalizeProfile(v)) : undefined;
  if (hit === undefined)
    addIssue(
      ctx,
      v,
      v === undefined
        ? `missing; expected a profile name: ${names.join(', ')}`
        : unknownName('timing profile', v, names),
    );
  return hit;
});

function timingSchema(sctx: SchemaContext): z.ZodType<TimingSpec> {
  return kinded(
    'timing',
    {
      model: {},
      profile: { name: profileName, sequenceLength: numberField({ integer: true, min: 1 }, sctx) },
      custom: {
        forwardFlopsPerSample: quantityField('flops'),
        stepTime: quantityField('duration'),
        paramBytes: quantityField('size', { required: true }),
        activationBytesPerSample: quantityField('size'),
      },
    },
    { default: 'model' },
  ).transform((t, ctx): TimingSpec => {
    if (t.kind === 'profile') {
      const entry = typeof t['name'] === 'string' ? PROFILES[t['name']] : undefined;
      if (entry !== undefined && t['sequenceLength'] !== undefined && entry.defaultSequenceLength === undefined) {
        addIssue(
          ctx,
          t['sequenceLength'],
          `profile "${t['name'] as string}" is an image model; sequenceLength applies only to sequence models`,
          ['sequenceLength'],
        );
      }
      return defined(t) as unknown as TimingSpec;
    }
    if (t.kind === 'custom') {
      if (t['forwardFlopsPerSample'] === undefined && t['stepTime'] === undefined) {
        addIssue(
          ctx,
          t,
          'give forwardFlopsPerSample (e.g. "4 GFLOP") or stepTime (e.g. "120 ms"), or both (stepTime wins)',
        );
      }
      const { stepTime, ...rest } = t;
      return defined({ ...rest, stepTimeS: stepTime }) as unknown as TimingSpec;
    }
    return { kind: 'model' };
  });
}

/**
 * `workload.computeModel`: overrides of the kind model's constants (hardware/compute-efficiency.ts,
 * docs/scenarios.md), e.g. `{ gemmEfficiency: 0.7, memoryEfficiency: 0.8, launchOverhead: "4 us" }`.
 * Fractions are of peak FLOP/s (GEMM, convolution) or of peak memory bandwidth; every bad field is
 * reported at once, with its path, value and range.
 */
const fraction = numberField({ min: MIN_EFFICIENCY, max: 1, formula: false });
const computeModelSchema = z
  .strictObject({
    gemmEfficiency: fraction,
    convEfficiency: fraction,
    memoryEfficiency: fraction,
    launchOverhead: quantityField('duration'),
  })
  .optional()
  .transform((c): ComputeOverrides | undefined => {
    if (c === undefined) return undefined;
    const { launchOverhead, ...rest } = c;
    return defined({ ...rest, launchOverheadS: launchOverhead }) as ComputeOverrides;
  });

/** The `workload` section's schema. */
export function workloadSchema(sctx: SchemaContext): z.ZodType<Scenario['workload']> {
  return z
    .strictObject({
      model: modelSchema,
      dataset: datasetSchema(sctx),
      sharding: shardingSchema(sctx),
      batchSize: numberField({ integer: true, min: 1, max: MAX_BATCH_SIZE, default: 32 }, sctx),
      timing: timingSchema(sctx),
      precision: z.enum(PRECISIONS as [Precision, ...Precision[]]).optional(),
      gradientPrecision: z.enum(['fp32', 'fp16', 'bf16']).optional(),
      communicationPrecision: z.enum(['fp32', 'fp16', 'bf16']).optional(),
      efficiency: numberField({ min: MIN_EFFICIENCY, max: 1, formula: false }),
      computeModel: computeModelSchema,
    })
    .prefault({} as never)
    .transform((w, ctx): Scenario['workload'] => {
      const task = DATASETS[w.dataset.kind]?.task;
      if (w.sharding.kind !== 'iid' && task === 'regression') {
        addIssue(
          ctx,
          w.sharding.kind,
          `sharding "${w.sharding.kind}" splits by label; dataset "${w.dataset.kind}" is a regression set (use iid)`,
          ['sharding', 'kind'],
        );
      }
      // The proxy model's own timing runs at the precision it trains in (fp32); profiles model mixed-precision training.
      const precision = w.precision ?? (w.timing.kind === 'model' ? 'fp32' : 'bf16');
      const base = {
        model: w.model,
        dataset: w.dataset,
        sharding: w.sharding,
        batchSize: w.batchSize ?? 1,
        timing: w.timing,
        precision,
        ...(w.gradientPrecision === undefined ? {} : { gradientPrecision: w.gradientPrecision }),
        ...(w.communicationPrecision === undefined ? {} : { communicationPrecision: w.communicationPrecision }),
      };
      if (w.efficiency !== undefined && w.computeModel !== undefined)
        addIssue(
          ctx,
          w.computeModel,
          'give either efficiency (one fraction of peak for every layer: the plain roofline) or computeModel (overrides of the kind model), not both',
          ['computeModel'],
        );
      if (w.computeModel !== undefined && Object.keys(w.computeModel).length > 0)
        return { ...base, computeModel: w.computeModel };
      return w.efficiency === undefined ? base : { ...base, efficiency: w.efficiency };
    }) as unknown as z.ZodType<Scenario['workload']>;
}
