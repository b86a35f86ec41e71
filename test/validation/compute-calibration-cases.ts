/**
 * The single-GPU calibration cases of the kind compute model (docs/validation.md, "Compute model
 * calibration") and how a prediction is made: one worker, the named profile at the case's precision,
 * forward + backward + optimizer step at the case's batch, throughput = batch / step time.
 *
 * Measured figures: NVIDIA DeepLearningExamples (PyTorch), single-GPU training throughput tables.
 * - ResNet-50 v1.5, V100-16GB, FP32, batch 112: 367 img/s; AMP, batch 256: 1,200 img/s
 *   (PyTorch/Classification/ConvNets/resnet50v1.5 README, "Training performance: NVIDIA DGX-1 (8x V100 16GB)",
 *   1-GPU rows). Optimizer: SGD with momentum (1 state vector).
 * - BERT-large pre-training, phase 1 (sequence 128), V100-32GB, AMP, batch 64: 224 sequences/s
 *   (PyTorch/LanguageModeling/BERT README, "Pre-training training performance: single-node on DGX-1 32GB",
 *   1-GPU row). Optimizer: LAMB (2 state vectors, as Adam).
 */
import { buildCluster } from '../../src/hardware/cluster.ts';
import type { Precision } from '../../src/hardware/device-spec.ts';
import { Rng } from '../../src/core/rng.ts';
import { Slowdown } from '../../src/hardware/slowdown.ts';
import { ComputeModel } from '../../src/schedules/lib/compute-model.ts';
import { getProfile } from '../../src/workload/registry.ts';

/** One calibration case. */
export interface CalibrationCase {
  readonly label: string;
  readonly profile: string;
  readonly sequenceLength?: number;
  readonly gpu: string;
  readonly precision: Precision;
  readonly batch: number;
  readonly optimizerSlots: number;
  /** Samples per second measured. */
  readonly measured: number;
}

export const CALIBRATION_CASES: readonly CalibrationCase[] = [
  {
    label: 'ResNet-50 v1.5, V100-16GB, FP32, batch 112',
    profile: 'resnet50',
    gpu: 'V100-16GB',
    precision: 'fp32',
    batch: 112,
    optimizerSlots: 1,
    measured: 367,
  },
  {
    label: 'ResNet-50 v1.5, V100-16GB, AMP, batch 256',
    profile: 'resnet50',
    gpu: 'V100-16GB',
    precision: 'fp16',
    batch: 256,
    optimizerSlots: 1,
    measured: 1200,
  },
  {
    label: 'BERT-large seq 128, V100-32GB, AMP, batch 64',
    profile: 'bert-large',
    sequenceLength: 128,
    gpu: 'V100-32GB',
    precision: 'fp16',
    batch: 64,
    optimizerSlots: 2,
    measured: 224,
  },
];

/** Predicted samples per second of `c` (kind model; or the plain roofline at `efficiency`). */
export function predictThroughput(c: CalibrationCase, efficiency?: number): number {
  const profile = getProfile(c.profile).build({
    bytesPerValue: c.precision === 'fp32' ? 4 : 2,
    ...(c.sequenceLength === undefined ? {} : { sequenceLength: c.sequenceLength }),
  });
  const devices = buildCluster([{ count: 1, gpusPerNode: 1, gpu: c.gpu }]).devices;
  const m = new ComputeModel({
    devices,
    profile,
    batchSize: c.batch,
    precision: c.precision,
    optimizerSlots: c.optimizerSlots,
    slowdown: new Slowdown([], new Rng(0)),
    ...(efficiency === undefined ? {} : { efficiency }),
  });
  return c.batch / m.stepS(0);
}
