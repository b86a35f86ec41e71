import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/scenario/types.ts';

const one = (text: string, file = 'test.yaml'): Scenario => {
  const { runs } = parseScenario(text, file);
  expect(runs).toHaveLength(1);
  return runs[0]!;
};

describe('scenario defaults', () => {
  it('turns a name and one node group into a complete scenario', () => {
    const s = one('name: tiny\ncluster: { nodes: [{ gpu: A100-80GB }] }\n');
    const expected: Scenario = {
      file: 'test.yaml',
      point: '',
      name: 'tiny',
      seed: 1,
      mode: 'full',
      cluster: {
        nodes: [{ count: 1, gpusPerNode: 1, gpu: 'A100-80GB' }],
        network: { model: 'analytical', topology: { kind: 'switch', options: {} } },
        stragglers: [],
        allowOversubscribe: false,
      },
      workload: {
        model: { kind: 'mlp', preset: '2nn' },
        dataset: { kind: 'mnist', options: { testFraction: 0.15 } },
        sharding: { kind: 'iid' },
        batchSize: 32,
        timing: { kind: 'model' },
        precision: 'fp32',
      },
      training: {
        schedule: { kind: 'sync-allreduce', options: { algorithm: 'ring' } },
        optimizer: { kind: 'sgd', options: { weightDecay: 0 } },
        lr: { kind: 'constant', options: { lr: 0.1, warmupSteps: 0 } },
        stop: { epochs: 1 },
        eval: {},
      },
      output: { trace: true, traceLimit: 200_000, updates: 'auto', updatesLimit: 1_000_000, plots: 'auto' },
    };
    expect(s).toEqual(expected);
  });

  it('fills each schedule option default from its descriptor and leaves optional ones absent', () => {
    const s = one('name: a\ncluster: { nodes: [{ gpu: H100-SXM }] }\ntraining: { schedule: { kind: async-ps } }\n');
    expect(s.training.schedule).toEqual({
      kind: 'async-ps',
      options: { shards: 1, servers: 'colocated', lrScaling: 'none', stagger: true },
    });
  });

  it('converts every quantity to SI units and spells catalog names canonically', () => {
    const s = one(`
name: units
cluster:
  nodes:
    - { count: 2, gpusPerNode: 4, gpu: h100 sxm, nic: { bandwidth: "200 Gbit/s", latency: "5 us", kind: infiniband }, intraNode: { bandwidth: "450 GB/s" } }
  network: { topology: { kind: leaf-spine, nodesPerLeaf: 1, spines: 2, uplink: { bandwidth: "400 Gbit/s", latency: "1 us" } } }
  stragglers: [{ kind: periodic, period: "1 min", duration: "5 s", factor: 2, workers: [0, 7] }]
training:
  schedule: { kind: sync-allreduce, bucketSize: "25 MB" }
  stop: { simTime: "2 h" }
  eval: { every: "30 s", samples: 500 }
`);
    expect(s.cluster.nodes[0]).toEqual({
      count: 2,
      gpusPerNode: 4,
      gpu: 'H100-SXM',
      nic: { bandwidth: 2.5e10, latency: 5e-6, kind: 'infiniband' },
      // Only the bandwidth is given: the latency stays the default intra-node link's 1 µs.
      intraNode: { bandwidth: 450e9, latency: 1e-6 },
    });
    expect(s.cluster.network.topology).toEqual({
      kind: 'leaf-spine',
      options: { nodesPerLeaf: 1, spines: 2, uplink: { bandwidth: 5e10, latency: 1e-6 } },
    });
    expect(s.cluster.stragglers).toEqual([
      { kind: 'periodic', options: { period: 60, duration: 5, factor: 2, phase: 0 }, workers: [0, 7] },
    ]);
    expect(s.training.schedule.options).toEqual({ algorithm: 'ring', bucketSize: 25e6 });
    expect(s.training.stop).toEqual({ simTimeS: 7200 });
    expect(s.training.eval).toEqual({ everyS: 30, samples: 500 });
  });

  it('takes bf16 as the precision of profile and custom timing, and reads custom quantities', () => {
    const s = one(`
name: custom
cluster: { nodes: [{ gpu: A100-80GB }] }
workload:
  timing: { kind: custom, forwardFlopsPerSample: "4 GFLOP", stepTime: "120 ms", paramBytes: "100 MB", activationBytesPerSample: "2 MiB" }
`);
    expect(s.workload.timing).toEqual({
      kind: 'custom',
      forwardFlopsPerSample: 4e9,
      stepTimeS: 0.12,
      paramBytes: 1e8,
      activationBytesPerSample: 2 * 2 ** 20,
    });
    expect(s.workload.precision).toBe('bf16');
    const p = one(
      'name: p\ncluster: { nodes: [{ gpu: A100-80GB }] }\nworkload: { timing: { kind: profile, name: BERT-Large, sequenceLength: 128 }, efficiency: 0.5 }\n',
    );
    expect(p.workload.timing).toEqual({ kind: 'profile', name: 'bert-large', sequenceLength: 128 });
    expect(p.workload.precision).toBe('bf16');
    expect(p.workload.efficiency).toBe(0.5);
  });

  it('evaluates formulas over the cluster shape: linear scaling and a fixed global batch', () => {
    const s = one(`
name: scaled
cluster: { nodes: [{ count: 2, gpusPerNode: 8, gpu: A100-80GB }] }
workload: { batchSize: "4096 / workers" }
training:
  optimizer: { kind: momentum, learningRate: "0.05 * workers / 8", momentum: 0.9, lrSchedule: { kind: cosine, totalSteps: "100 * nodes" } }
`);
    expect(s.workload.batchSize).toBe(256);
    expect(s.training.lr).toEqual({ kind: 'cosine', options: { lr: 0.1, totalSteps: 200, floor: 0, warmupSteps: 0 } });
    expect(s.training.optimizer).toEqual({ kind: 'momentum', options: { momentum: 0.9, weightDecay: 0 } });
  });

  it('accepts an inline GPU spec written with units and hands buildCluster SI numbers', () => {
    const s = one(`
name: inline
cluster:
  nodes:
    - gpu: { name: MyAccel, peakFlops: { fp32: "50 TFLOP/s", fp16: "400 TFLOP/s" }, memoryBandwidth: "3 TB/s", memoryBytes: "96 GiB" }
`);
    expect(s.cluster.nodes[0]!.gpu).toEqual({
      name: 'MyAccel',
      peakFlops: { fp32: 50e12, fp16: 400e12 },
      memoryBandwidth: 3e12,
      memoryBytes: 96 * 2 ** 30,
    });
  });

  it('reads JSON files too', () => {
    const s = one(
      '{ "name": "j", "cluster": { "nodes": [{ "gpu": "T4", "count": 3 }] }, "mode": "timing-only" }',
      'x.json',
    );
    expect(s.mode).toBe('timing-only');
    expect(s.cluster.nodes[0]!.count).toBe(3);
  });
});
