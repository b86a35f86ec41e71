/**
 * `dtsim validate` checks a pipeline's memory before it runs by replaying the run's own booking at its
 * peaks (memory-check.ts). The check must agree with the run: on a GPU whose capacity lies between
 * 1F1B's and GPipe's peak (same model, same micro-batches), validation accepts 1F1B and rejects GPipe,
 * and the runs confirm both.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateCommand } from '../../../../src/cli/commands/validate.ts';
import { runScenario } from '../../../../src/scenario/run-scenario.ts';
import { tinyScenario } from '../../fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'dtsim-pipe-mem-'));

async function validate(text: string): Promise<string> {
  const p = join(dir, 'pipe.yaml');
  writeFileSync(p, text);
  let out = '';
  const cmd = validateCommand({ out: (t) => (out += t), err: (t) => (out += t) });
  cmd.exitOverride();
  await cmd.parseAsync([p], { from: 'user' });
  return out;
}

afterEach(() => {
  process.exitCode = undefined;
});

// Custom timing in fp32, one layer: each of 4 stages holds paramBytes / 4 = 5 GB of weights and as much
// of gradients (SGD in fp32 keeps no state and needs no master copy), and a micro-batch of 16 × 4 / 4 = 16 samples holds
// 16 × 1.6e9 / 4 = 6.4 GB of activations per stage. 1F1B's stage 0 peaks at 10 + 4 × 6.4 = 35.6 GB,
// GPipe's at 10 + 8 × 6.4 = 61.2 GB (M = 8 and batch 32: micro-batches of 16): a 40 GB A100 sits between.
const scenario = (schedule: string): string => `name: pipe-mem
mode: timing-only
cluster: { nodes: [{ count: 1, gpusPerNode: 4, gpu: A100-40GB }] }
workload:
  batchSize: 32
  timing: { kind: custom, stepTime: "12 ms", paramBytes: "20 GB", activationBytesPerSample: "1.6 GB" }
  precision: fp32
training:
  schedule: { kind: ${schedule}, microBatches: 8 }
  stop: { updates: 2 }
`;

describe('pipeline memory at validation', () => {
  it('accepts 1F1B and rejects GPipe on a GPU between their peaks, as their runs do', async () => {
    expect(await validate(scenario('1f1b'))).toMatch(/^ok /);
    expect(await validate(scenario('gpipe'))).toMatch(
      /training\.schedule: the pipeline runs out of GPU memory on rank 0 \(A100-40GB.*activations/,
    );
    const timing = { kind: 'custom' as const, stepTimeS: 0.012, paramBytes: 2e10, activationBytesPerSample: 1.6e9 };
    const sc = (schedule: string) => {
      const t = tinyScenario({
        schedule,
        mode: 'timing-only',
        workers: 4,
        batchSize: 32,
        updates: 2,
        timing,
        scheduleOptions: { microBatches: 8 },
      });
      return { ...t, cluster: { ...t.cluster, nodes: t.cluster.nodes.map((n) => ({ ...n, gpu: 'A100-40GB' })) } };
    };
    expect(runScenario(sc('1f1b'), 0).workerRows[0]!.peakMemoryBytes).toBeCloseTo(35.6e9, -3);
    expect(() => runScenario(sc('gpipe'), 0)).toThrow(/out of GPU memory on rank 0/);
  });

  it('counts PipeDream’s stashed versions and PipeMare’s buffer', async () => {
    // PipeDream's stage 0 keeps 4 versions: 3 more copies of its 5 GB of weights on top of 1F1B's peak.
    expect(await validate(scenario('pipedream'))).toMatch(/the pipeline runs out of GPU memory on rank 0.*stash/);
    expect(await validate(scenario('pipemare'))).toMatch(/^ok /);
  });

  it('rejects, in full mode, an asynchronous pipeline whose model has fewer layers than stages', async () => {
    const text = (schedule: string, preset: string): string => `name: pipe-layers
mode: full
cluster: { nodes: [{ count: 1, gpusPerNode: 4, gpu: A100-80GB }] }
workload:
  model: { kind: mlp, preset: ${preset} }
  dataset: { kind: gaussian-mixture, n: 400, d: 8, numClasses: 3 }
  batchSize: 8
training:
  schedule: { kind: ${schedule} }
  stop: { updates: 2 }
`;
    // The 2NN has 3 dense layers; deep8 has 9. The flush pipelines take the whole-model fast path.
    expect(await validate(text('pipedream', '2nn'))).toMatch(
      /training\.schedule: the trained model mlp 8-200-200-3 has 3 layers, fewer than the 4 stages/,
    );
    expect(await validate(text('pipedream', 'deep8'))).toMatch(/^ok /);
    expect(await validate(text('1f1b', '2nn'))).toMatch(/^ok /);
  });
});
