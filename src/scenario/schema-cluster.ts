/**
 * The `cluster` section: node groups (GPU, speed, links), the network model and topology, stragglers,
 * and `failures` (rejected until a schedule simulates them). The GPU catalog, `buildCluster` and
 * `buildTopology` run here, at validation time, so `dtsim validate` reports what a run would trip on.
 */
import { z } from 'zod';
import { DEFAULT_HOST_LINK, DEFAULT_INTRA_NODE_LINK, DEFAULT_NIC_LINK, MAX_CLUSTER_GPUS } from '../hardware/cluster.ts';
import type { NodeGroupSpec } from '../hardware/cluster.ts';
import { DeviceSpecError, PRECISIONS, defineDeviceSpec } from '../hardware/device-spec.ts';
import { GPU_NAMES, UnknownGpuError, catalogEntry } from '../hardware/gpu-catalog.ts';
import { STRAGGLER_MODELS } from '../hardware/slowdown-registry.ts';
import { parseSlowdownTrace } from '../hardware/slowdown-trace.ts';
import { NETWORK_MODELS } from '../network/network-models.ts';
import { TOPOLOGIES } from '../network/topologies.ts';
import type { Scenario, StragglerSpec } from './types.ts';
import { addIssue, field, linkSchema, memoized, nicSchema, numberField, quantityField } from './fields.ts';
import type { SchemaContext } from './fields.ts';
import { fromOptionSpec, fromTopologyOption, kindAndOptions, kinded, optionsShape, strict } from './kinds.ts';
import { describeValue } from './messages.ts';
import { QuantityError, parseQuantity } from './quantity.ts';
import { rangeListField, ranksOf } from './rank-lists.ts';
import type { IndexRange } from './rank-lists.ts';
import { unknownName } from './suggest.ts';
import type { QuantityDimension } from './quantity.ts';
import { clusterOf, fabricCheck } from './setup-check.ts';

type Ctx = z.core.$RefinementCtx;

// Quantity fields of an inline GPU spec; defineDeviceSpec wants SI numbers, a scenario writes units.
const GPU_QUANTITIES: Readonly<Record<string, QuantityDimension>> = {
  memoryBandwidth: 'bandwidth',
  memoryBytes: 'size',
};

/** Converts the unit strings of an inline GPU spec to SI numbers, reporting each bad one. */
function inlineGpu(o: Record<string, unknown>, ctx: Ctx): Record<string, unknown> | undefined {
  let ok = true;
  const convert = (v: unknown, dim: QuantityDimension, path: PropertyKey[]): unknown => {
    if (v === undefined) return v;
    try {
      return parseQuantity(v, dim);
    } catch (err) {
      if (!(err instanceof QuantityError)) throw err;
      addIssue(ctx, v, err.message, path);
      ok = false;
      return v;
    }
  };
  const out: Record<string, unknown> = { ...o };
  for (const [k, dim] of Object.entries(GPU_QUANTITIES)) if (k in o) out[k] = convert(o[k], dim, [k]);
  const pf = o['peakFlops'];
  if (typeof pf === 'object' && pf !== null && !Array.isArray(pf)) {
    const conv: Record<string, unknown> = {};
    for (const [p, v] of Object.entries(pf))
      conv[p] = (PRECISIONS as readonly string[]).includes(p) ? convert(v, 'flop-rate', ['peakFlops', p]) : v;
    out['peakFlops'] = conv;
  }
  return ok ? out : undefined;
}

/** A catalog name (canonical spelling returned) or an inline spec (SI numbers returned). */
const gpuField = field((v, ctx): string | object | undefined => {
  if (typeof v === 'string') {
    try {
      return catalogEntry(v).spec.name;
    } catch (err) {
      if (!(err instanceof UnknownGpuError)) throw err;
      addIssue(ctx, v, unknownName('GPU', v, GPU_NAMES));
      return undefined;
    }
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    addIssue(
      ctx,
      v,
      `${v === undefined ? 'missing' : `got ${describeValue(v)}`}; expected a catalog GPU name (see dtsim list gpus) or an inline spec { name, peakFlops, memoryBandwidth, memoryBytes }`,
    );
    return undefined;
  }
  const spec = inlineGpu(v as Record<string, unknown>, ctx);
  if (spec === undefined) return undefined;
  try {
    defineDeviceSpec(spec, 'gpu');
  } catch (err) {
    if (!(err instanceof DeviceSpecError)) throw err;
    const sub = err.path.split('.').slice(1);
    // The message repeats the path; the issue carries it, so keep what follows "path: ".
    addIssue(
      ctx,
      sub.reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], v),
      err.message.slice(err.path.length + 2),
      sub,
    );
    return undefined;
  }
  return spec;
});

// Bounded one by one before the total is formed, so `count: 1e9` is refused before anything is built.
const groupSize = numberField({
  integer: true,
  min: 1,
  max: MAX_CLUSTER_GPUS,
  default: 1,
  formula: false,
}) as z.ZodType<number>;

const nodeGroup = strict({
  count: groupSize,
  gpusPerNode: groupSize,
  gpu: gpuField,
  // A multiplier within 1000× either way keeps every time finite (docs/scenarios.md "Limits").
  speed: numberField({ min: 0.001, max: 1000, formula: false }),
  intraNode: linkSchema(DEFAULT_INTRA_NODE_LINK).optional(),
  nic: nicSchema(DEFAULT_NIC_LINK).optional(),
  // Each GPU's PCIe link to host memory (ZeRO-Offload); missing fields from DEFAULT_HOST_LINK.
  hostLink: linkSchema(DEFAULT_HOST_LINK).optional(),
  // The node's NVMe drives as one device (ZeRO-Infinity); no default, both fields required.
  nvme: linkSchema().optional(),
}).transform((g) => {
  const out: { -readonly [K in keyof NodeGroupSpec]: NodeGroupSpec[K] } = {
    count: g.count,
    gpusPerNode: g.gpusPerNode,
    gpu: g.gpu ?? '',
  };
  if (g.speed !== undefined) out.speed = g.speed;
  if (g.intraNode !== undefined) out.intraNode = g.intraNode;
  if (g.nic !== undefined) out.nic = g.nic;
  if (g.hostLink !== undefined) out.hostLink = g.hostLink;
  if (g.nvme !== undefined) out.nvme = g.nvme;
  return out as NodeGroupSpec;
});

function nodesSchema(sctx: SchemaContext): z.ZodType<NodeGroupSpec[]> {
  return z
    .array(nodeGroup)
    .min(1)
    .transform((groups, ctx) => {
      const total = groups.reduce((n, g) => n + g.count * g.gpusPerNode, 0);
      if (total > MAX_CLUSTER_GPUS) {
        addIssue(
          ctx,
          groups,
          `the node groups hold ${total} GPUs (count × gpusPerNode summed); at most ${MAX_CLUSTER_GPUS} GPUs are simulated`,
        );
        return groups;
      }
      // Built once per distinct cluster of a load (sweep points and the set-up checks share it).
      const built = clusterOf(sctx, groups);
      const problem = 'devices' in built ? undefined : built;
      if (problem !== undefined) addIssue(ctx, groups, problem.message, problem.path);
      return groups;
    });
}

function topologySchema(sctx: SchemaContext): z.ZodType<{ kind: string } & Record<string, unknown>> {
  const variants: Record<string, z.ZodRawShape> = {};
  for (const [name, info] of Object.entries(TOPOLOGIES)) {
    const specs = Object.fromEntries(
      Object.entries(info.options as Record<string, Parameters<typeof fromTopologyOption>[0]>).map(([k, o]) => [
        k,
        fromTopologyOption(o),
      ]),
    );
    variants[name] = optionsShape(specs, sctx);
  }
  return kinded('topology', variants, { default: 'switch' });
}

function stragglerSchema(sctx: SchemaContext): z.ZodType<StragglerSpec> {
  const variants: Record<string, z.ZodRawShape> = {};
  for (const [name, entry] of Object.entries(STRAGGLER_MODELS)) {
    const specs = Object.fromEntries(
      Object.entries(entry.options).map(([k, o]) => [
        k,
        fromOptionSpec(o, (text, path) => void parseSlowdownTrace(text, path)),
      ]),
    );
    const targets = { workers: rangeListField('worker', sctx), nodes: rangeListField('node', sctx) };
    variants[name] = { ...optionsShape(specs, sctx), ...(entry.acceptsWorkers ? targets : {}) };
  }
  return kinded('straggler model', variants).transform((v, ctx): StragglerSpec => {
    const { kind, options } = kindAndOptions<unknown>(v);
    const { workers: byRank, nodes: byNode, ...rest } = options;
    if (byRank !== undefined && byNode !== undefined)
      addIssue(ctx, v['nodes'], 'give workers (ranks) or nodes (all GPUs of those nodes), not both', ['nodes']);
    // Both lists become ranks here, so the slowdown models and everything after see one `workers` list.
    const layout = sctx.layout;
    const workers =
      layout === undefined
        ? undefined
        : byRank !== undefined
          ? ranksOf(byRank as IndexRange[], 'worker', layout)
          : byNode !== undefined
            ? ranksOf(byNode as IndexRange[], 'node', layout)
            : undefined;
    const flat: Record<string, number | string | boolean> = {};
    for (const [k, x] of Object.entries(rest)) {
      // A file option arrives as { path, text }: the model gets the path under its key and the text.
      if (typeof x === 'object' && x !== null && 'text' in x) {
        flat[k] = (x as unknown as { path: string }).path;
        flat['text'] = (x as { text: string }).text;
      } else flat[k] = x as number | string | boolean;
    }
    const spec: StragglerSpec =
      workers === undefined ? { kind, options: flat } : { kind, options: flat, workers: workers as number[] };
    // The model's own checks (mu with meanOne, a window longer than its period, ...), as the run makes
    // them. Once per distinct spec: a trace's text is the same for every point (its path is in the key).
    const { text: _text, ...keyed } = flat;
    const problem = memoized(sctx, `straggler:${JSON.stringify([kind, keyed, workers])}`, (): string | undefined => {
      try {
        STRAGGLER_MODELS[kind]?.create(spec.options, spec.workers);
        return undefined;
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    });
    if (problem !== undefined) addIssue(ctx, v, problem);
    return spec;
  });
}

/** The `cluster` section's schema; `sctx.shape` must come from the same nodes (for worker lists and formulas). */
export function clusterSchema(sctx: SchemaContext): z.ZodType<Scenario['cluster']> {
  return strict({
    nodes: nodesSchema(sctx),
    network: strict({
      model: z.enum(Object.keys(NETWORK_MODELS) as [string, ...string[]]).default('analytical'),
      topology: topologySchema(sctx),
      // The fixed model's times; required with it and refused with the others (see the transform).
      transferTime: quantityField('duration'),
      collectiveTime: quantityField('duration'),
      // NCCL's protocols and the per-call launch overhead (collectives/protocols.ts, communicator.ts).
      protocol: z.enum(['auto', 'simple', 'll', 'll128', 'none']).default('auto'),
      launchOverhead: quantityField('duration'),
    }).prefault({} as never),
    stragglers: z.array(stragglerSchema(sctx)).default([]),
    // Run past a GPU's memory (the ledger records it, the peak shows it) instead of failing.
    allowOversubscribe: z.boolean().default(false),
    failures: field((v, ctx) => {
      if (v !== undefined)
        addIssue(
          ctx,
          v,
          'failures are not simulated by the schedules yet; remove this key (the failure model exists in hardware/ but no schedule reacts to it)',
        );
    }),
  }).transform((c, ctx): Scenario['cluster'] => {
    const topology = kindAndOptions<unknown>(c.network.topology);
    const fabric = fabricCheck(sctx, c.nodes, topology);
    if (fabric.topologyError !== undefined)
      addIssue(ctx, c.network.topology, fabric.topologyError, ['network', 'topology']);
    const { model, transferTime, collectiveTime } = c.network;
    if (model === 'fixed') {
      for (const [k, v] of [
        ['transferTime', transferTime],
        ['collectiveTime', collectiveTime],
      ] as const) {
        if (v === undefined)
          addIssue(ctx, v, 'missing; the fixed network model needs transferTime and collectiveTime, e.g. "0.2 s"', [
            'network',
            k,
          ]);
      }
    } else {
      for (const [k, v] of [
        ['transferTime', transferTime],
        ['collectiveTime', collectiveTime],
      ] as const) {
        if (v !== undefined)
          addIssue(
            ctx,
            v,
            `only the fixed network model takes ${k}; the ${model} model derives times from links (add model: fixed, or remove ${k})`,
            ['network', k],
          );
      }
    }
    const options =
      model === 'fixed' && transferTime !== undefined && collectiveTime !== undefined
        ? { options: { transferS: transferTime, collectiveS: collectiveTime } }
        : {};
    const { protocol, launchOverhead } = c.network;
    return {
      nodes: c.nodes,
      network: {
        model,
        topology,
        ...options,
        ...(protocol === 'auto' ? {} : { protocol }),
        ...(launchOverhead === undefined ? {} : { launchOverheadS: launchOverhead }),
      },
      stragglers: c.stragglers,
      allowOversubscribe: c.allowOversubscribe,
    };
  }) as unknown as z.ZodType<Scenario['cluster']>;
}
