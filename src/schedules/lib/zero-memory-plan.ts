/**
 * What one GPU holds under a ZeRO configuration (stage 1–3, optimizer offload or not), from the F14
 * formulas of workload/zero-memory.ts (spec §23), and the message a configuration that does not fit
 * gets before anything runs: by how much it misses on which GPU, and which other configurations of
 * the same formulas would fit.
 *
 * Per GPU, Ψ parameters of the timing profile, N_d = every worker, w = g = the profile's bytes per
 * value and K = `optimizerBytesPerParam(slots, w)` (an fp32 master copy under mixed precision):
 * - model state: `zeroModelStateBytes` (weights wΨ or wΨ/N_d, gradients gΨ or gΨ/N_d, optimizer KΨ/N_d);
 * - offload `cpu` (ZeRO-Offload, Ren et al. 2021): the optimizer state (with the fp32 master) and the
 *   gradient partition live in host memory instead; the GPU keeps its fp16 weights;
 * - offload `nvme` (ZeRO-Infinity, Rajbhandari et al. 2021; stage 3 only): the parameter and optimizer
 *   partitions live on the node's NVMe drives, the gradient partition in host memory;
 * - stage 3: the full parameters of the layer being computed and of the one being prefetched are
 *   gathered into a buffer (the largest two adjacent layers, `buffers`);
 * - activations: one batch, every layer's (workload/memory.ts, as every data-parallel run books them).
 */
import type { TimingProfile } from '../../workload/types.ts';
import { activationBytes, profileParams } from '../../workload/memory.ts';
import { optimizerBytesPerParam, zeroModelStateBytes, type ZeroStage } from '../../workload/zero-memory.ts';

/** The ZeRO stages the schedule runs (stage 0 is plain data parallelism: sync-allreduce). */
export type ZeroRunStage = Exclude<ZeroStage, 0>;

/** Where the optimizer state lives: on the GPU, in host memory (ZeRO-Offload), on NVMe (ZeRO-Infinity). */
export type ZeroOffload = 'none' | 'cpu' | 'nvme';

/** One ZeRO configuration. */
export interface ZeroConfig {
  readonly stage: ZeroRunStage;
  readonly offload: ZeroOffload;
}

/** Per-GPU bytes by ledger tag, and the host bytes the GPU's share puts in host memory. */
export interface ZeroGpuBytes {
  readonly weights: number;
  readonly grads: number;
  readonly optimizer: number;
  readonly activations: number;
  readonly buffers: number;
  /** Everything on the GPU. */
  readonly total: number;
  /** Host memory for this GPU's partition (offload only; 0 otherwise). */
  readonly host: number;
  /** NVMe bytes for this GPU's partition (offload nvme only; 0 otherwise). */
  readonly nvme: number;
}

/** The run's figures the formulas need. */
export interface ZeroMemoryInput {
  readonly profile: TimingProfile;
  readonly batchSize: number;
  /** Data-parallel degree N_d (every worker). */
  readonly dp: number;
  /** Parameter-sized state vectors of the optimizer (0 SGD, 1 momentum, 2 Adam). */
  readonly optimizerSlots: number;
}

/** Bytes of the two largest adjacent layers' parameters: stage 3's gather buffer (current + prefetched). */
function gatherBufferBytes(profile: TimingProfile): number {
  const w = profile.bytesPerValue;
  const layers = profile.layers;
  let best = layers.length === 1 ? layers[0]!.params * w : 0;
  for (let i = 1; i < layers.length; i++) best = Math.max(best, (layers[i - 1]!.params + layers[i]!.params) * w);
  return best;
}

/** What one GPU holds under `cfg` (see the file header). */
export function zeroGpuBytes(cfg: ZeroConfig, m: ZeroMemoryInput): ZeroGpuBytes {
  const w = m.profile.bytesPerValue;
  const state = zeroModelStateBytes({
    params: profileParams(m.profile),
    dp: m.dp,
    stage: cfg.stage,
    weightBytes: w,
    gradBytes: w,
    optimizerBytes: optimizerBytesPerParam(m.optimizerSlots, w),
  });
  const off = cfg.offload !== 'none';
  const nvme = cfg.offload === 'nvme';
  // ZeRO-Infinity keeps the parameter partition on NVMe too; the GPU holds only what it gathers.
  const weights = nvme ? 0 : state.weights;
  const grads = off ? 0 : state.grads;
  const optimizer = off ? 0 : state.optimizer;
  const activations = activationBytes(m.profile, m.batchSize);
  const buffers = cfg.stage === 3 ? gatherBufferBytes(m.profile) : 0;
  const total = weights + grads + optimizer + activations + buffers;
  return {
    weights,
    grads,
    optimizer,
    activations,
    buffers,
    total,
    host: nvme ? state.grads : off ? state.grads + state.optimizer : 0,
    nvme: nvme ? state.weights + state.optimizer : 0,
  };
}

/** Every configuration, in order of growing communication and host traffic (the alternatives offered). */
export const ZERO_CONFIGS: readonly ZeroConfig[] = [
  { stage: 1, offload: 'none' },
  { stage: 2, offload: 'none' },
  { stage: 3, offload: 'none' },
  { stage: 1, offload: 'cpu' },
  { stage: 2, offload: 'cpu' },
  { stage: 3, offload: 'cpu' },
  { stage: 3, offload: 'nvme' },
];

/** Decimal gigabytes with one decimal, as the ZeRO paper states its figures. */
export function gb(bytes: number): string {
  return `${(bytes / 1e9).toFixed(bytes < 1e9 ? 3 : 1)} GB`;
}

/** `stage 2` or `stage 2 with offload cpu`. */
export function configName(c: ZeroConfig): string {
  return `stage ${c.stage}${c.offload === 'none' ? '' : ` with offload ${c.offload}`}`;
}

/** One GPU as the check sees it. */
export interface ZeroGpu {
  readonly rank: number;
  readonly name: string;
  readonly capacity: number;
}

/**
 * Problems (one message, or none) with `cfg` on these GPUs: the GPU with the smallest capacity that
 * cannot hold it, the shortfall, and every other configuration that would fit all GPUs.
 */
export function zeroMemoryProblems(cfg: ZeroConfig, m: ZeroMemoryInput, gpus: readonly ZeroGpu[]): string[] {
  if (gpus.length === 0) return [];
  let small = gpus[0]!;
  for (const g of gpus) if (g.capacity < small.capacity) small = g;
  const need = zeroGpuBytes(cfg, m);
  if (need.total <= small.capacity) return [];
  const parts = (['weights', 'grads', 'optimizer', 'activations', 'buffers'] as const)
    .filter((k) => need[k] > 0)
    .map((k) => `${k} ${gb(need[k])}`)
    .join(', ');
  const others = ZERO_CONFIGS.filter((c) => c.stage !== cfg.stage || c.offload !== cfg.offload).map((c) => ({
    c,
    bytes: zeroGpuBytes(c, m).total,
  }));
  const fit = others.filter((o) => o.bytes <= small.capacity);
  const alternatives =
    fit.length > 0
      ? `would fit: ${fit.map((o) => `${configName(o.c)} (${gb(o.bytes)})`).join(', ')}`
      : `no ZeRO configuration fits (the smallest, ${configName(others.reduce((a, b) => (b.bytes < a.bytes ? b : a)).c)}, needs ` +
        `${gb(Math.min(...others.map((o) => o.bytes)))}): ` +
        (need.activations >= small.capacity
          ? `one batch's activations alone (${gb(need.activations)}) exceed the GPU: use a smaller batch or shorter sequences`
          : 'use more GPUs, a smaller batch or a smaller model');
  return [
    `ZeRO ${configName(cfg)} needs ${gb(need.total)} per GPU (${parts}; N_d = ${m.dp}), ` +
      `${gb(need.total - small.capacity)} more than the ${gb(small.capacity)} of rank ${small.rank}'s ${small.name}; ` +
      `${alternatives}; or set cluster.allowOversubscribe: true to run anyway`,
  ];
}
