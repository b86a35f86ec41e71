/**
 * The kind compute model against the single-GPU measurements it was calibrated on (docs/validation.md,
 * "Compute model calibration"; cases and their sources in compute-calibration-cases.ts), and the
 * bounds it reaches. "Before" is the old model: the plain roofline at the old default efficiency 0.6.
 *
 * Measured figures as throughput (samples/s) of single-GPU training, NVIDIA DeepLearningExamples:
 * - ResNet-50 v1.5 FP32, batch 112, V100-16GB: 367 img/s → 112 / 367 = 305 ms per step;
 * - ResNet-50 v1.5 AMP, batch 256, V100-16GB: 1,200 img/s → 256 / 1,200 = 213 ms per step;
 * - BERT-large phase 1 (seq 128) AMP, batch 64, V100-32GB: 224 seq/s → 64 / 224 = 286 ms per step.
 */
import { describe, expect, it } from 'vitest';
import { getProfile } from '../../src/workload/registry.ts';
import { profileTotals } from '../../src/workload/totals.ts';
import { CALIBRATION_CASES, predictThroughput } from './compute-calibration-cases.ts';

const err = (p: number, m: number): number => (p - m) / m;

// Bound reached per case (|error|), and the old model's error, both as the doc's table states them.
const EXPECTED: Readonly<Record<string, { readonly bound: number; readonly before: number; readonly now: number }>> = {
  'ResNet-50 v1.5, V100-16GB, FP32, batch 112': { bound: 0.05, before: -0.131, now: -0.03 },
  'ResNet-50 v1.5, V100-16GB, AMP, batch 256': { bound: 0.02, before: 0.366, now: -0.005 },
  'BERT-large seq 128, V100-32GB, AMP, batch 64': { bound: 0.04, before: 0.057, now: 0.031 },
};

describe('compute model calibration (single GPU, DeepLearningExamples)', () => {
  it.each(CALIBRATION_CASES.map((c) => [c.label, c] as const))('%s', (_l, c) => {
    const e = EXPECTED[c.label]!;
    const now = err(predictThroughput(c), c.measured);
    const before = err(predictThroughput(c, 0.6), c.measured);
    expect(Math.abs(now)).toBeLessThanOrEqual(e.bound);
    expect(now).toBeCloseTo(e.now, 3);
    expect(before).toBeCloseTo(e.before, 3);
  });

  it('uses the BERT-large of the paper: 24 layers, hidden 1,024, 336 M parameters with the MLM head', () => {
    // Devlin et al. 2019: BERT-large 340 M (rounded); HF bert-large-uncased BertForPreTraining: 336,226,108.
    const p = getProfile('bert-large').build({ bytesPerValue: 2, sequenceLength: 128 });
    expect(profileTotals(p).params).toBe(336_226_108);
    expect(p.sequenceLength).toBe(128);
    expect(p.layers.filter((l) => /^layer\.\d+\.attn\.qkv$/.test(l.name))).toHaveLength(24);
  });
});
