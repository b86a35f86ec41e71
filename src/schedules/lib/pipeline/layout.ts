/**
 * Where a pipeline's pieces run: p pipeline stages × d data-parallel replicas × t tensor-parallel GPUs
 * per stage, on workers = p·d·t GPUs. Megatron's rank order (`initialize_model_parallel`): tensor
 * parallel innermost, so a stage's t GPUs are consecutive ranks of one node and its tensor-parallel
 * collectives stay on the intra-node link; then data parallel; then pipeline:
 *
 *   GPU rank of (stage s, replica r, tensor index k) = s·(d·t) + r·t + k.
 *
 * With t = d = 1 stage s is rank s, the pure pipeline. The pipeline's batch is (workers / t) × batch
 * size samples: every replica-stage group takes one per-worker batch, as a data-parallel worker
 * would, and tensor parallelism splits work, not data (Megatron's global batch = d × M × micro-batch).
 */
import type { OptionSpecs } from '../../../core/options.ts';
import type { RunShape } from '../../types.ts';

/** The layout options every pipeline schedule takes; spread into its options. */
export const PIPE_LAYOUT_OPTIONS = {
  stages: {
    type: 'number',
    integer: true,
    min: 1,
    description:
      'p: pipeline stages; the data-parallel degree is workers / (stages × tensorParallel) (default: workers / tensorParallel, no data parallelism)',
  },
  tensorParallel: {
    type: 'number',
    integer: true,
    min: 1,
    default: 1,
    description: "t: GPUs that share each stage, Megatron's tensor parallelism, within one node",
  },
  sequenceParallel: {
    type: 'boolean',
    default: false,
    description:
      "Megatron's sequence parallelism (element-wise work split t ways as well; needs tensorParallel > 1 to matter)",
  },
  recompute: {
    type: 'enum',
    values: ['none', 'selective', 'full'],
    default: 'none',
    description:
      "activation recomputation: 'full' re-runs each stage's forward before its backward, 'selective' only the attention core",
  },
} as const satisfies OptionSpecs;

/** The parsed layout options. */
export interface LayoutOptions {
  readonly stages?: number | undefined;
  readonly tensorParallel: number;
  readonly sequenceParallel: boolean;
  readonly recompute: 'none' | 'selective' | 'full';
}

/** A pipeline's placement on the cluster (see the file header). */
export interface PipeLayout {
  /** p: pipeline stages. */
  readonly stages: number;
  /** d: data-parallel replicas of the pipeline. */
  readonly replicas: number;
  /** t: GPUs per stage. */
  readonly tensor: number;
  /** The t GPU ranks of stage `s` of replica `r`, in tensor order. */
  group(r: number, s: number): readonly number[];
  /** The ranks holding tensor shard `k` of stage `s` in every replica (its data-parallel group). */
  dataGroup(s: number, k: number): readonly number[];
  /** Data key of (replica, stage) group: r·p + s (one per-worker batch each). */
  dataKey(r: number, s: number): number;
}

/**
 * Problems with a layout on a cluster shape, as messages for `check` (empty when fine): the stages
 * and tensor degree must divide the workers, and a tensor-parallel group must sit inside one node.
 */
export function layoutProblems(o: LayoutOptions, shape: RunShape): string[] {
  const t = o.tensorParallel;
  const out: string[] = [];
  if (shape.workers % t !== 0) {
    out.push(`tensorParallel must divide the ${shape.workers} workers, got ${t}`);
    return out;
  }
  const p = o.stages ?? shape.workers / t;
  if (shape.workers % (p * t) !== 0)
    out.push(
      `stages × tensorParallel must divide the ${shape.workers} workers (the rest is data parallelism), got ${p} × ${t}`,
    );
  if (t > 1) {
    // Groups are consecutive ranks; each must fall inside one node (Megatron keeps TP on NVLink).
    let first = 0;
    for (const g of shape.gpusPerNode) {
      if (first % t !== 0 || g % t !== 0) {
        out.push(
          `tensorParallel ${t} must divide every node's GPUs (${shape.gpusPerNode.join(', ')}) so each group sits in one node`,
        );
        break;
      }
      first += g;
    }
  }
  return out;
}

/**
 * The layout for `workers` GPUs.
 * @throws RangeError as `layoutProblems` would report (the schedule's `check` has normally caught it).
 */
export function pipeLayout(o: LayoutOptions, workers: number): PipeLayout {
  const t = o.tensorParallel;
  const p = o.stages ?? workers / t;
  if (!Number.isInteger(t) || t < 1 || !Number.isInteger(p) || p < 1 || workers % (p * t) !== 0)
    throw new RangeError(
      `stages × tensorParallel must divide the ${workers} workers, got ${o.stages ?? 'default'} × ${t}`,
    );
  const d = workers / (p * t);
  // Built once: the executor asks for a group on every op.
  const groups = Array.from({ length: d * p }, (_, i) => {
    const r = Math.floor(i / p);
    const s = i % p;
    return Object.freeze(Array.from({ length: t }, (_, k) => s * d * t + r * t + k));
  });
  const dataGroups = Array.from({ length: p * t }, (_, i) => {
    const s = Math.floor(i / t);
    const k = i % t;
    return Object.freeze(Array.from({ length: d }, (_, r) => s * d * t + r * t + k));
  });
  const check = (ok: boolean, what: string): void => {
    if (!ok) throw new RangeError(`pipeline layout: ${what}`);
  };
  return {
    stages: p,
    replicas: d,
    tensor: t,
    group: (r, s) => {
      const g = groups[r * p + s];
      check(g !== undefined && s < p && s >= 0, `no group for replica ${r}, stage ${s}`);
      return g!;
    },
    dataGroup: (s, k) => {
      const g = dataGroups[s * t + k];
      check(g !== undefined && k < t && k >= 0, `no data group for stage ${s}, shard ${k}`);
      return g!;
    },
    dataKey: (r, s) => r * p + s,
  };
}

/** Data keys a pipeline run draws from: one per (replica, stage) group. */
export function layoutDataKeys(o: LayoutOptions, shape: RunShape): number {
  return Math.max(1, Math.floor(shape.workers / o.tensorParallel));
}
