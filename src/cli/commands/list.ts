/**
 * `dtsim list [what]`: what a scenario may name, read from the registries themselves (schedules with
 * their options, GPUs, models, datasets, collectives, stragglers, timing profiles, network models,
 * topologies, optimizers, compressors), so the listing never disagrees with the schema. Registries are imported
 * inside the action: `dtsim --help` stays fast, and none of them loads TensorFlow.js.
 */
import { Argument, Command } from 'commander';
import type { OptimizerSpec } from '../../core/options.ts';
import { WEIGHT_INITS } from '../../training/models/layout.ts';

/** The categories `dtsim list` knows, in the order a bare `dtsim list` prints them. */
export const LIST_TOPICS = [
  'schedules',
  'gpus',
  'models',
  'datasets',
  'collectives',
  'stragglers',
  'profiles',
  'networks',
  'topologies',
  'optimizers',
  'compressors',
] as const;

/** One category. */
export type ListTopic = (typeof LIST_TOPICS)[number];

// Each registry's module, loaded only when a listing asks (none of them loads TensorFlow.js).
const LOADERS = {
  schedules: () => import('../../schedules/index.ts'),
  catalog: () => import('../../hardware/gpu-catalog.ts'),
  model: () => import('../../training/models/create-model.ts'),
  datasets: () => import('../../training/datasets/registry.ts'),
  collectives: () => import('../../collectives/registry.ts'),
  stragglers: () => import('../../hardware/slowdown-registry.ts'),
  workload: () => import('../../workload/index.ts'),
  networks: () => import('../../network/network-models.ts'),
  topologies: () => import('../../network/topologies.ts'),
  optimizers: () => import('../../training/optimizers/registry.ts'),
  compressors: () => import('../../schedules/lib/compressors.ts'),
};

async function registries(): Promise<{ [K in keyof typeof LOADERS]: Awaited<ReturnType<(typeof LOADERS)[K]>> }> {
  const loaded = await Promise.all(Object.entries(LOADERS).map(async ([k, load]) => [k, await load()] as const));
  return Object.fromEntries(loaded) as Awaited<ReturnType<typeof registries>>;
}

type Registries = Awaited<ReturnType<typeof registries>>;

/** Rows as left-aligned columns, each line indented. */
function table(rows: readonly (readonly string[])[], indent = '  '): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map(
      (r) =>
        indent +
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

/** An option of any registry, as far as the listing reads it. */
export interface OptionLike {
  readonly type: string;
  readonly description: string;
  readonly default?: unknown;
  readonly required?: boolean;
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly greaterThan?: number;
  readonly maxExclusive?: number;
  readonly dimension?: string;
  readonly values?: readonly string[];
  readonly op?: string;
}

/** `integer >= 1`, `size`, `none|staleness`, `collective (all-reduce)`. */
function typeText(o: OptionLike): string {
  switch (o.type) {
    case 'number':
    case 'integer': {
      const b = [
        o.min === undefined ? '' : `>= ${o.min}`,
        o.greaterThan === undefined ? '' : `> ${o.greaterThan}`,
        o.max === undefined ? '' : `<= ${o.max}`,
        o.maxExclusive === undefined ? '' : `< ${o.maxExclusive}`,
      ].filter((x) => x !== '');
      return `${o.integer === true || o.type === 'integer' ? 'integer' : 'number'}${b.length > 0 ? ` ${b.join(' ')}` : ''}`;
    }
    case 'quantity':
      return `${o.dimension ?? 'quantity'}${o.greaterThan === undefined ? '' : ` > ${o.greaterThan}`}`;
    case 'enum':
      return (o.values ?? []).join('|');
    case 'collective':
      return `collective (${o.op ?? ''})`;
    case 'link':
      return 'link {bandwidth, latency}';
    case 'optimizer':
      return 'optimizer {kind, ..., learningRate?} (dtsim list optimizers)';
    case 'compressor':
      return 'compressor {kind, ...} (dtsim list compressors)';
    default:
      return o.type;
  }
}

/** Optimizer entries as far as a listing needs them (the OPTIMIZERS registry). */
export type OptimizerDefaults = Readonly<
  Record<string, { readonly options: Readonly<Record<string, { readonly default: number }>> }>
>;

/** `nesterov (momentum 0.9, weightDecay 0, learningRate 0.7)`: the spec with the registry's defaults filled. */
function optimizerText(d: OptimizerSpec, optimizers: OptimizerDefaults): string {
  const filled: Record<string, number> = {};
  for (const [k, o] of Object.entries(optimizers[d.kind]?.options ?? {})) filled[k] = o.default;
  Object.assign(filled, d.options);
  const parts = Object.entries(filled).map(([k, v]) => `${k} ${v}`);
  if (d.lr !== undefined) parts.push(`learningRate ${d.lr}`);
  return parts.length === 0 ? d.kind : `${d.kind} (${parts.join(', ')})`;
}

function defaultText(o: OptionLike, optimizers: OptimizerDefaults): string {
  if (o.type === 'optimizer' && o.default !== undefined) {
    return `default ${optimizerText(o.default as OptimizerSpec, optimizers)}`;
  }
  if (o.default !== undefined) return `default ${String(o.default)}`;
  return o.required === true ? 'required' : 'optional';
}

/** One row per option: name, type, default (an optimizer's filled from `optimizers`), description. */
export function optionRows(
  options: Readonly<Record<string, OptionLike>>,
  optimizers: OptimizerDefaults = {},
): string[][] {
  return Object.entries(options).map(([k, o]) => [k, typeText(o), defaultText(o, optimizers), o.description]);
}

function optionsBlock(
  options: Readonly<Record<string, OptionLike>>,
  indent: string,
  optimizers: OptimizerDefaults = {},
): string {
  const rows = optionRows(options, optimizers);
  return rows.length === 0 ? `${indent}(no options)` : table(rows, indent);
}

const MODEL_TEXT: Readonly<Record<string, string>> = {
  'logistic-regression': 'softmax regression, one dense layer; options inputSize, numClasses',
  mlp: 'dense ReLU network; preset: 2nn (784-200-200-10, McMahan et al. 2017, the default) or hidden: [widths]; inputSize, numClasses',
  cnn: 'small CNN: two conv + 2×2 max-pool layers, then dense; options imageSize, channels, filters [f1, f2], kernel, numClasses',
};

const SECTIONS: Readonly<Record<ListTopic, (r: Registries) => string>> = {
  schedules: (r) =>
    Object.values(r.schedules.SCHEDULES)
      .map((s) => {
        const options = optionsBlock(s.options, '    ', r.optimizers.OPTIMIZERS);
        return `  ${s.name}: ${s.summary}\n    after: ${s.reference}\n${options}`;
      })
      .join('\n\n'),
  gpus: (r) => {
    const P = ['fp32', 'tf32', 'fp16', 'bf16', 'fp8'] as const;
    const rows = r.catalog.GPU_CATALOG.map(({ spec }) => [
      spec.name,
      spec.vendor,
      ...P.map((p) => (spec.peak[p] === undefined ? '-' : String(Math.round((spec.peak[p] / 1e12) * 10) / 10))),
      `${Math.round(spec.memoryBytes / 2 ** 30)}`,
      `${Math.round(spec.memoryBandwidth / 1e9)}`,
      spec.multiprocessors === undefined ? '-' : String(spec.multiprocessors),
      String(spec.defaultEfficiency),
    ]);
    return (
      table([['name', 'vendor', ...P.map((p) => `${p}`), 'GiB', 'GB/s', 'SMs', 'efficiency'], ...rows]) +
      '\n  (peak dense TFLOP/s per precision; sources: datasheets named in src/hardware/gpu-catalog.ts;' +
      '\n   SMs: SMs or CUs, for wave quantisation; efficiency: the roofline API default only, runs use the' +
      "\n   kind compute model of docs/hardware.md or the scenario's workload.efficiency)"
    );
  },
  models: (r) =>
    `${table(r.model.MODEL_KINDS.map((k) => [k, MODEL_TEXT[k] ?? '']))}\n  every model also takes init: ${WEIGHT_INITS.join(', ')} (default ${WEIGHT_INITS[0]!}; see docs/scenarios.md)`,
  datasets: (r) =>
    Object.entries(r.datasets.DATASETS)
      .map(
        ([name, d]) => `  ${name} (${d.task}): ${d.description}\n${optionsBlock(mapType(d.options, 'number'), '    ')}`,
      )
      .join('\n'),
  collectives: (r) =>
    `${table(Object.values(r.collectives.COLLECTIVES).map((c) => [c.name, c.ops.join(', '), c.summary]))}\n` +
    "  algorithm: auto is NCCL's tuner: ring or double binary tree, and LL, LL128 or Simple, by lowest predicted time\n" +
    '  per call; cluster.network.protocol (auto, simple, ll, ll128, none) and launchOverhead set how calls are\n' +
    '  priced (docs/collectives.md)',
  stragglers: (r) =>
    [
      ...Object.entries(r.stragglers.STRAGGLER_MODELS).map(
        ([name, s]) =>
          `  ${name}: ${s.description}${s.acceptsWorkers ? ' (workers or nodes limit it)' : ''}\n${optionsBlock(s.options, '    ')}`,
      ),
      '  workers: [5, "56-63"] names ranks (items are ranks or inclusive "lo-hi" ranges); nodes: [7, "0-3"] names',
      '  every GPU of those nodes (global node index, counting node groups in order); give one, not both;',
      '  without either, the model applies to every worker.',
    ].join('\n'),
  profiles: (r) =>
    table(
      Object.entries(r.workload.PROFILES).map(([name, p]) => [
        name,
        `${(p.params / 1e6).toFixed(1)}M params`,
        p.defaultSequenceLength === undefined ? 'image' : `seq ${p.defaultSequenceLength}`,
        p.description,
      ]),
    ),
  networks: (r) =>
    table(
      Object.entries(r.networks.NETWORK_MODELS).flatMap(([name, n]) => [
        [name, n.description],
        ...Object.entries(n.options as Readonly<Record<string, string>>).map(([k, what]) => [
          `  ${k}`,
          `duration, required: ${what}`,
        ]),
      ]),
    ),
  topologies: (r) =>
    Object.entries(r.topologies.TOPOLOGIES)
      .map(
        ([name, t]) => `  ${name}: ${t.description}\n${optionsBlock(t.options as Record<string, OptionLike>, '    ')}`,
      )
      .join('\n'),
  optimizers: (r) =>
    [
      ...Object.entries(r.optimizers.OPTIMIZERS).map(
        ([name, o]) => `  ${name}: ${o.description}\n${optionsBlock(mapType(o.options, 'number'), '    ')}`,
      ),
      '  learning-rate schedules (training.optimizer.lrSchedule; the base rate is training.optimizer.learningRate):',
      ...Object.entries(r.optimizers.LR_SCHEDULES).map(
        ([name, s]) =>
          `  ${name}: ${s.description}\n${optionsBlock(mapType(Object.fromEntries(Object.entries(s.options).filter(([k]) => k !== 'lr')), 'number'), '    ')}`,
      ),
    ].join('\n'),
  compressors: compressorsSection,
};

function compressorsSection(r: Registries): string {
  return [
    ...Object.values(r.compressors.COMPRESSORS).map(
      (c) =>
        `  ${c.name}: ${c.summary}${c.level === undefined ? '' : ` (Accordion level: ${c.level})`}\n    after: ${c.reference}\n${optionsBlock(c.options, '    ')}`,
    ),
    '  accordion: { kind: accordion, compressor: <name or {kind, ...}>, low, high, everyEpochs (default 10),',
    "  threshold (default 0.5) }: each tensor at the compressor's low or high level by Accordion's rule",
    '  (Agarwal et al., MLSys 2021), in full mode, on synchronous schedules. Any data-parallel schedule with a',
    '  compressor option takes one (dtsim list schedules); docs/compression.md.',
  ].join('\n');
}

function mapType<T extends object>(options: Readonly<Record<string, T>>, type: string): Record<string, OptionLike> {
  return Object.fromEntries(Object.entries(options).map(([k, o]) => [k, { type, ...o } as unknown as OptionLike]));
}

/** The names in each category, one line each (what a bare `dtsim list` prints). */
function overview(r: Registries): string {
  const names: Record<ListTopic, readonly string[]> = {
    schedules: Object.keys(r.schedules.SCHEDULES),
    gpus: r.catalog.GPU_NAMES,
    models: r.model.MODEL_KINDS,
    datasets: Object.keys(r.datasets.DATASETS),
    collectives: Object.keys(r.collectives.COLLECTIVES),
    stragglers: Object.keys(r.stragglers.STRAGGLER_MODELS),
    profiles: Object.keys(r.workload.PROFILES),
    networks: Object.keys(r.networks.NETWORK_MODELS),
    topologies: Object.keys(r.topologies.TOPOLOGIES),
    optimizers: [
      ...Object.keys(r.optimizers.OPTIMIZERS),
      ...Object.keys(r.optimizers.LR_SCHEDULES).map((k) => `lr:${k}`),
    ],
    compressors: [...Object.keys(r.compressors.COMPRESSORS), 'accordion'],
  };
  return `${table(
    LIST_TOPICS.map((t) => [t, names[t].join(', ')]),
    '',
  )}\n\nDetails: dtsim list <${LIST_TOPICS.join('|')}>\n`;
}

/** The text `dtsim list [topic]` prints. */
export async function listText(topic?: ListTopic): Promise<string> {
  const r = await registries();
  return topic === undefined ? overview(r) : `${topic}:\n${SECTIONS[topic](r)}\n`;
}

/** The `list` subcommand; `write` receives the text (default: stdout). */
export function listCommand(write: (text: string) => void = (t) => process.stdout.write(t)): Command {
  return new Command('list')
    .description('list what a scenario can name: schedules (with options), GPUs, models, datasets, collectives, ...')
    .addArgument(new Argument('[what]', 'category').choices(LIST_TOPICS))
    .action(async (what?: ListTopic) => {
      write(await listText(what));
    });
}
