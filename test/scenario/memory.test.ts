/**
 * The memory ledger in a run: every rank books its model state (weights, gradients, optimizer slots
 * at the timing profile's parameters and bytes per value) and one batch of activations; a run that
 * does not fit fails before it starts (and `dtsim validate` says so) unless `cluster.allowOversubscribe`.
 */
import { describe, expect, it } from 'vitest';
import { OutOfMemoryError } from '../../src/hardware/memory-ledger.ts';
import { ScenarioError } from '../../src/scenario/errors.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { setUpRun } from '../../src/scenario/run-setup.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { activationBytes, profileParams } from '../../src/workload/memory.ts';

// GPT-2 XL (1.56 B parameters) at batch 64 in fp16: far more activations than 40 GB.
const big = (extra = '', optimizer = 'sgd'): string =>
  `name: m\nmode: timing-only\ncluster: { nodes: [{ count: 2, gpu: A100-40GB }]${extra} }\n` +
  `workload: { batchSize: 64, precision: bf16, timing: { kind: profile, name: gpt2-xl } }\n` +
  `training: { optimizer: { kind: ${optimizer} }, stop: { updates: 2 } }\n`;

const one = (text: string): Scenario => parseScenario(text, 'm.yaml').runs[0]!;

describe('memory in a run', () => {
  it('books weights, gradients, optimizer state and a batch of activations on every rank', () => {
    const s = one(
      'name: m\nmode: timing-only\ncluster: { nodes: [{ count: 2, gpu: A100-80GB }] }\n' +
        'workload: { batchSize: 32, precision: bf16, timing: { kind: profile, name: resnet50 } }\n' +
        'training: { optimizer: { kind: adam }, stop: { updates: 3 } }\n',
    );
    const { memory, timing } = setUpRun(s);
    const psi = profileParams(timing.profile);
    const w = psi * timing.profile.bytesPerValue;
    const act = activationBytes(timing.profile, 32);
    // bf16 Adam: two fp32 moments and an fp32 master copy, 12 bytes a parameter (the K of ZeRO's F14).
    const opt = 12 * psi;
    for (const r of [0, 1]) {
      expect(memory.byTag(r)).toMatchObject({ weights: w, grads: w, optimizer: opt, activations: act });
      expect(memory.used(r)).toBe(2 * w + opt + act);
    }
    const res = runScenario(s, 0);
    expect(res.peakMemoryBytes).toBe(2 * w + opt + act);
    expect(res.workerRows.map((x) => x.peakMemoryBytes)).toEqual([2 * w + opt + act, 2 * w + opt + act]);
  });

  it('counts the optimizer slots of full mode from the trainer (momentum: one)', () => {
    const s = one(
      'name: m\ncluster: { nodes: [{ count: 2, gpu: A100-80GB }] }\n' +
        'workload: { model: { kind: logistic-regression }, dataset: { kind: gaussian-mixture, n: 200 }, batchSize: 8 }\n' +
        'training: { optimizer: { kind: momentum, momentum: 0.9 }, stop: { updates: 1 } }\n',
    );
    const { memory } = setUpRun(s);
    expect(memory.byTag(0).optimizer).toBe(memory.byTag(0).weights);
    expect(memory.byTag(0).weights).toBeGreaterThan(0);
  });

  it('refuses a configuration that does not fit, at validation and at set-up, naming GPU, capacity and breakdown', () => {
    let err: unknown;
    try {
      parseScenario(big(), 'm.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect(String((err as Error).message)).toMatch(/workload\.batchSize[\s\S]*A100-40GB, capacity 40\.00 GiB/);
    // A scenario forced past validation (allowOversubscribe on, then off again) fails in set-up.
    const s = one(big(', allowOversubscribe: true'));
    const forced: Scenario = { ...s, cluster: { ...s.cluster, allowOversubscribe: false } };
    expect(() => setUpRun(forced)).toThrow(OutOfMemoryError);
    expect(() => setUpRun(forced)).toThrow(
      /rank 0 \(A100-40GB, capacity 40\.00 GiB\): in use weights .* grads .*requested .* of activations; set cluster\.allowOversubscribe: true/,
    );
  });

  it('runs anyway with allowOversubscribe, and the peak shows the excess', () => {
    const res = runScenario(one(big(', allowOversubscribe: true')), 0);
    expect(res.updates).toBe(2);
    expect(res.peakMemoryBytes).toBeGreaterThan(40 * 2 ** 30);
  });
});
