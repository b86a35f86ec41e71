/**
 * Stage partitioning for pipeline parallelism: which contiguous layers each stage runs.
 *
 * `planPartition` is PipeDream's planner (Narayanan et al., SOSP 2019, §3.1; spec §15) without
 * replicated stages: a dynamic programme over contiguous layer ranges that minimises the slowest
 * stage's time on a given ordered list of GPUs, so a faster GPU receives more layers.
 *
 * A stage's time for one micro-batch is its compute (forward + both backward parts, stage-costs.ts)
 * plus its boundary transfers: across each boundary it touches, the activation goes forward and its
 * gradient comes back, each α + bytes/β over the link between the two stages' GPUs. Both ends are
 * charged because a blocking point-to-point transfer occupies sender and receiver alike.
 *
 * Stages are cut only between blocks: a profile's layers named `<prefix>.<i>.<part>` (a transformer
 * block `h.11.attn.qkv`, a ResNet bottleneck `layer3.2.conv2`) stay together, as Megatron and
 * PipeDream cut them. A cut inside a block would send a tensor that is not the block's output (an
 * attention score matrix, a residual branch without its skip) and leave the skip connection unsent.
 * Layers outside any block (embeddings, heads, a plain stack) may be cut anywhere. When the blocks
 * are fewer than the stages need, any cut is allowed.
 *
 * `manualPartition` validates a user's layers-per-stage split.
 */
import type { LinkSpec } from '../../hardware/link-spec.ts';
import type { Precision } from '../../hardware/device-spec.ts';
import type { TimingProfile } from '../../workload/types.ts';
import { layerStageCosts, stageCost, type LayerStageCost, type StageCost, type StageDevice } from './stage-costs.ts';
import type { ComputeOverrides } from '../../hardware/compute-efficiency.ts';

/** What the planner partitions and on what. */
export interface PartitionOptions {
  readonly profile: TimingProfile;
  /** One GPU per stage, in pipeline order; the number of stages is its length. */
  readonly devices: readonly StageDevice[];
  /** `links[s]` joins stage s and s + 1 (length stages − 1). Omitted: transfers cost nothing. */
  readonly links?: readonly LinkSpec[];
  /** Samples per micro-batch. */
  readonly microBatch: number;
  readonly precision: Precision;
  readonly efficiency?: number;
  /** Overrides of the kind model's constants (stage-costs.ts). */
  readonly computeModel?: ComputeOverrides;
}

/** One stage of a partition with its costs on its GPU. */
export interface PlannedStage extends StageCost {
  /** Seconds of boundary transfers charged to this stage (incoming plus outgoing boundary). */
  readonly commS: number;
  /** computeS + commS: the stage's time per micro-batch. */
  readonly timeS: number;
}

/** A partition and what it costs. */
export interface Partition {
  /** Layers per stage, in stage order (the form `Trainer.staged` takes). */
  readonly layersPerStage: readonly number[];
  readonly stages: readonly PlannedStage[];
  /** The slowest stage's time: the pipeline's steady-state seconds per micro-batch. */
  readonly bottleneckS: number;
}

/**
 * Checks a manual split: `stages ≤ layers`, every entry a positive integer, entries summing to `layers`.
 * @throws RangeError naming the offending numbers.
 */
export function manualPartition(layersPerStage: readonly number[], layers: number): readonly number[] {
  const s = layersPerStage.length;
  if (s < 1) throw new RangeError(`a partition needs at least one stage, got none for ${layers} layers`);
  if (s > layers) throw new RangeError(`${s} stages cannot split ${layers} layers (at most one stage per layer)`);
  layersPerStage.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`stage ${i} must have a positive whole number of layers, got ${n}`);
  });
  const sum = layersPerStage.reduce((a, b) => a + b, 0);
  if (sum !== layers)
    throw new RangeError(`layers per stage [${layersPerStage.join(', ')}] sum to ${sum}, not the ${layers} layers`);
  return [...layersPerStage];
}

/** Seconds to move the activation forward and its gradient back across one boundary. */
function boundaryS(bytes: number, link: LinkSpec | undefined): number {
  return link === undefined ? 0 : 2 * (link.latency + bytes / link.bandwidth);
}

function checkOptions(o: PartitionOptions): void {
  const s = o.devices.length;
  const l = o.profile.layers.length;
  if (s < 1) throw new RangeError(`a partition needs at least one stage device, got none`);
  if (s > l) throw new RangeError(`${s} stages cannot split ${l} layers (at most one stage per layer)`);
  if (o.links !== undefined && o.links.length !== s - 1)
    throw new RangeError(`${s} stages need ${s - 1} links between them, got ${o.links.length}`);
}

/** Per-stage-device layer costs, evaluated once per distinct (GPU, speed). */
function costsPerStage(o: PartitionOptions): LayerStageCost[][] {
  const cache = new Map<string, LayerStageCost[]>();
  const co = {
    microBatch: o.microBatch,
    precision: o.precision,
    ...(o.efficiency !== undefined ? { efficiency: o.efficiency } : {}),
    ...(o.computeModel !== undefined ? { computeModel: o.computeModel } : {}),
  };
  return o.devices.map((d) => {
    const key = `${d.spec.name}|${d.speed}`;
    let c = cache.get(key);
    if (c === undefined) {
      c = layerStageCosts(o.profile, d, co);
      cache.set(key, c);
    }
    return c;
  });
}

function evaluateWith(costs: LayerStageCost[][], links: readonly LinkSpec[] | undefined, split: readonly number[]) {
  const stages: PlannedStage[] = [];
  let first = 0;
  let bottleneck = 0;
  for (let s = 0; s < split.length; s++) {
    const c = stageCost(costs[s]!, first, split[s]!);
    const inS = s > 0 ? boundaryS(costs[s]![first - 1]!.outputBytes, links?.[s - 1]) : 0;
    const outS = s < split.length - 1 ? boundaryS(c.outputBytes, links?.[s]) : 0;
    const timeS = c.computeS + inS + outS;
    stages.push({ ...c, commS: inS + outS, timeS });
    bottleneck = Math.max(bottleneck, timeS);
    first += split[s]!;
  }
  return { layersPerStage: [...split], stages, bottleneckS: bottleneck };
}

/**
 * Costs of a given split on `o.devices` (one stage per device).
 * @throws RangeError for an invalid split (see `manualPartition`) or a stage/device count mismatch.
 */
export function evaluatePartition(o: PartitionOptions, layersPerStage: readonly number[]): Partition {
  checkOptions(o);
  manualPartition(layersPerStage, o.profile.layers.length);
  if (layersPerStage.length !== o.devices.length)
    throw new RangeError(`${layersPerStage.length} stages given for ${o.devices.length} stage devices`);
  return evaluateWith(costsPerStage(o), o.links, layersPerStage);
}

/**
 * The split of `o.profile`'s layers over `o.devices` (one contiguous stage each, in order) that minimises
 * the slowest stage's time. O(S·L²) after O(S·L) prefix sums. Ties go to the split whose earlier stages
 * end first, so the answer is deterministic.
 * @throws RangeError for more stages than layers, a links length ≠ stages − 1, or as the roofline.
 */
export function planPartition(o: PartitionOptions): Partition {
  checkOptions(o);
  const costs = costsPerStage(o);
  const L = o.profile.layers.length;
  const S = o.devices.length;
  // prefix[s][i]: compute seconds of layers [0, i) on stage s's GPU.
  const prefix = costs.map((c) => {
    const p = new Float64Array(L + 1);
    for (let i = 0; i < L; i++) p[i + 1] = p[i]! + c[i]!.forwardS + c[i]!.backwardInputS + c[i]!.backwardWeightS;
    return p;
  });
  // Output bytes do not depend on the GPU; take them from stage 0's costs.
  const out = costs[0]!.map((c) => c.outputBytes);
  const cut = cutPoints(
    o.profile.layers.map((l) => l.name),
    S,
  );
  // best[s][j]: least bottleneck placing layers [0, j) on stages 0..s with stage s ending at j (its
  // outgoing boundary, if any, included). from[s][j]: where stage s starts in that optimum.
  const best = Array.from({ length: S }, () => new Float64Array(L + 1).fill(Infinity));
  const from = Array.from({ length: S }, () => new Int32Array(L + 1).fill(-1));
  const stageTime = (s: number, i: number, j: number): number =>
    prefix[s]![j]! -
    prefix[s]![i]! +
    (s > 0 ? boundaryS(out[i - 1]!, o.links?.[s - 1]) : 0) +
    (s < S - 1 ? boundaryS(out[j - 1]!, o.links?.[s]) : 0);
  for (let j = 1; j <= L - (S - 1); j++) {
    if (!cut[j]) continue;
    best[0]![j] = stageTime(0, 0, j);
    from[0]![j] = 0;
  }
  for (let s = 1; s < S; s++) {
    // Stage s ends at j, leaving at least one layer for each later stage and one for each earlier one.
    for (let j = s + 1; j <= L - (S - 1 - s); j++) {
      if (!cut[j]) continue;
      for (let i = s; i < j; i++) {
        if (!cut[i]) continue;
        const v = Math.max(best[s - 1]![i]!, stageTime(s, i, j));
        if (v < best[s]![j]!) {
          best[s]![j] = v;
          from[s]![j] = i;
        }
      }
    }
  }
  const split = new Array<number>(S);
  let j = L;
  for (let s = S - 1; s >= 0; s--) {
    const i = from[s]![j]!;
    split[s] = j - i;
    j = i;
  }
  return evaluateWith(costs, o.links, split);
}

// `h.11` of `h.11.attn.qkv`, `layer3.2` of `layer3.2.conv2`; null outside a numbered block.
const BLOCK = /^(.+?\.\d+)\./;

/**
 * `cut[j]`: whether a stage may end after layer j − 1 (j = L, the end, always): not between two layers
 * of one block (see the file header), unless the block boundaries are fewer than the `stages` − 1 cuts.
 */
export function cutPoints(names: readonly string[], stages: number): boolean[] {
  const L = names.length;
  const block = names.map((n) => BLOCK.exec(n)?.[1] ?? null);
  const cut = Array.from(
    { length: L + 1 },
    (_, j) => j === L || j === 0 || block[j - 1] === null || block[j - 1] !== block[j],
  );
  let inner = 0;
  for (let j = 1; j < L; j++) if (cut[j]) inner++;
  return inner >= stages - 1 ? cut : cut.fill(true);
}
