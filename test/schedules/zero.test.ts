import { DEFAULT_HOST_MEMORY_BANDWIDTH } from '../../src/schedules/lib/zero-host.ts';
import { describe, expect, it } from 'vitest';
import { bytesPerSecond, seconds } from '../../src/core/units.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { initBackend } from '../../src/training/tensor-backend.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { tinyScenario, type TinyOptions, withScheduleDefaults } from './fixtures.ts';

// The fixture's switch: every rank on its own node, α = 6 µs per hop and B = 12.5 GB/s per direction
// (fixtures.ts), plain α-β (protocol none). Ring reduce-scatter and all-gather of an n-byte vector over
// N ranks each take (N − 1) steps of n/N bytes: T_RS = T_AG = (N − 1)α + (N − 1)/N · n/B (spec §1.1),
// half a ring all-reduce.
const ALPHA = 6e-6;
const B = 12.5e9;
const half = (n: number, N: number): number => (N - 1) * ALPHA + ((N - 1) / N) * (n / B);

const zeroRun = (options: Record<string, unknown>, o: TinyOptions = {}) =>
  runScenario(
    tinyScenario({
      mode: 'timing-only',
      schedule: 'zero',
      workers: 4,
      updates: 3,
      stepTimeS: 0.01,
      paramBytes: 4e6,
      ...o,
      scheduleOptions: options as NonNullable<TinyOptions['scheduleOptions']>,
    }),
    0,
  );

/** `tinyScenario` with NVMe drives of 10 GB/s and 100 µs on every node (ZeRO-Infinity). */
function withNvme(s: Scenario): Scenario {
  const nvme = { bandwidth: bytesPerSecond(10e9), latency: seconds(100e-6) };
  return { ...s, cluster: { ...s.cluster, nodes: s.cluster.nodes.map((g) => ({ ...g, nvme })) } };
}

describe('zero: communication volume (F15)', () => {
  // Ring bytes each rank sends: all-reduce 2(N − 1)/N · n; reduce-scatter and all-gather (N − 1)/N · n each.
  // Stages 1–2: one reduce-scatter of the gradient + one all-gather of the parameters = 2(N − 1)/N · n,
  // the all-reduce's bytes (2Ψ); stage 3 adds a second all-gather (forward and backward) = 3Ψ, 1.5×.
  // The profile is ResNet-50 (161 layers): stage 3 gathers layer by layer and the sums must still hold.
  const timing = { kind: 'profile' as const, name: 'resnet50' };
  it('puts 2Ψ on the wire at stages 1 and 2 (as the all-reduce) and 3Ψ at stage 3', () => {
    const dp = runScenario(tinyScenario({ mode: 'timing-only', workers: 4, updates: 3, timing }), 0).bytesSent;
    const bytes = [1, 2, 3].map((stage) => zeroRun({ stage }, { timing }).bytesSent);
    expect(dp).toBeGreaterThan(0);
    expect(bytes[0]! / dp).toBeCloseTo(1, 12);
    expect(bytes[1]! / dp).toBeCloseTo(1, 12);
    expect(bytes[2]! / dp).toBeCloseTo(1.5, 12);
    // Offload moves host bytes, not network bytes; bucketing splits, never adds.
    expect(zeroRun({ stage: 2, offload: 'cpu' }, { timing }).bytesSent / dp).toBeCloseTo(1, 12);
    expect(zeroRun({ stage: 2, bucketSize: 5e6 }, { timing }).bytesSent / dp).toBeCloseTo(1, 12);
    // Recursive halving / doubling sends the same (N − 1)/N · n per rank for each.
    expect(zeroRun({ stage: 3, algorithm: 'halving-doubling' }, { timing }).bytesSent / dp).toBeCloseTo(1.5, 12);
  });
});

describe('zero: step time (analytic, custom timing of one layer)', () => {
  const n = 4e6;
  const N = 4;
  it('stages 1 and 2: compute, then reduce-scatter, then all-gather', () => {
    // Custom timing has no optimizer cost; the step is 10 ms of compute, T_RS and T_AG in turn.
    for (const stage of [1, 2]) expect(zeroRun({ stage }).simTimeS).toBeCloseTo(3 * (0.01 + 2 * half(n, N)), 12);
  });

  it('stage 3: forward gather, prefetched backward gather, reduce-scatter', () => {
    // One layer, forward f = 10/3 ms, backward b = 20/3 ms, a = T_AG = T_RS = 0.258 ms < f. The forward
    // waits for its gather (a); the backward gather is issued as the forward starts and is done by
    // then (a < f); the reduce-scatter follows the backward: a + f + b + a — the prefetch hides the
    // second gather, so the step is the compute plus 2a, not 3a.
    const a = half(n, N);
    expect(a).toBeLessThan(0.01 / 3);
    expect(zeroRun({ stage: 3 }).simTimeS).toBeCloseTo(3 * (0.01 + 2 * a), 12);
  });

  it('offload cpu: partition copies over the host link and the CPU step between reduce-scatter and gather', () => {
    // Per GPU the partition is n/N = 1 MB; a copy takes 10 µs + 1 MB / 32 GB/s (DEFAULT_HOST_LINK) each
    // way. SGD (0 slots) streams 12 bytes per parameter on the CPU: 250,000 parameters (fp32) at the
    // 100 GB/s default. Step: compute + RS + copy + CPU + copy + AG.
    const copy = 10e-6 + n / N / 32e9;
    const cpu = ((n / N / 4) * 12) / 100e9;
    expect(zeroRun({ stage: 2, offload: 'cpu' }).simTimeS).toBeCloseTo(
      3 * (0.01 + 2 * half(n, N) + 2 * copy + cpu),
      12,
    );
    // A 10× faster host memory shortens exactly the CPU part.
    expect(zeroRun({ stage: 2, offload: 'cpu', hostMemoryBandwidth: 1e12 }).simTimeS).toBeCloseTo(
      3 * (0.01 + 2 * half(n, N) + 2 * copy + cpu / 10),
      12,
    );
  });

  it('times the copies on the node group hostLink when it gives one', () => {
    // Half the default bandwidth (16 GB/s) and 2 µs: copy = 2 µs + 1 MB / 16 GB/s each way.
    const s = tinyScenario({
      mode: 'timing-only',
      schedule: 'zero',
      workers: 4,
      updates: 3,
      scheduleOptions: { stage: 2, offload: 'cpu', hostMemoryBandwidth: 100e9 },
    });
    const node = { ...s.cluster.nodes[0]!, hostLink: { bandwidth: bytesPerSecond(16e9), latency: seconds(2e-6) } };
    const r = runScenario({ ...s, cluster: { ...s.cluster, nodes: [node] } }, 0);
    const copy = 2e-6 + n / N / 16e9;
    const cpu = ((n / N / 4) * 12) / 100e9;
    expect(r.simTimeS).toBeCloseTo(3 * (0.01 + 2 * half(n, N) + 2 * copy + cpu), 12);
  });

  it('offload nvme (ZeRO-Infinity): NVMe fetch before each gather, optimizer partitions read and written on NVMe', () => {
    // One fp32 layer, Ψ = 1e6 parameters, 4 GPUs on 4 nodes, NVMe 10 GB/s + 100 µs per node, Adam (K = 8,
    // 12 + 8·2 = 28 bytes a parameter for the CPU step). Per gather: fetch F = NVMe read of the 1 MB
    // partition (100 µs + 1 MB / 10 GB/s) + its copy to the GPU (10 µs + 1 MB / 32 GB/s), then the gather a.
    // Forward waits F + a; the backward's fetch and gather (F + a < f) hide behind the forward; the
    // reduce-scatter a follows the backward. Host step: gradient copy down, NVMe read of 8 B × 250,000,
    // CPU 28 B × 250,000 at 100 GB/s, NVMe write of (8 + 4) B × 250,000. No gather after the step.
    const a = half(n, N);
    const partition = n / N;
    const F = 100e-6 + partition / 10e9 + (10e-6 + partition / 32e9);
    const params = partition / 4;
    const host = 10e-6 + partition / 32e9 + (100e-6 + (8 * params) / 10e9) + (28 * params) / 100e9;
    const write = 100e-6 + (12 * params) / 10e9;
    expect(F + a).toBeLessThan(0.01 / 3);
    const s = tinyScenario({
      mode: 'timing-only',
      schedule: 'zero',
      workers: 4,
      updates: 3,
      optimizer: 'adam',
      scheduleOptions: { stage: 3, offload: 'nvme' },
    });
    const r = runScenario(withNvme(s), 0);
    expect(r.simTimeS).toBeCloseTo(3 * (F + 2 * a + 0.01 + host + write), 12);
    // The network carries stage 3's 3Ψ, as without offload.
    expect(r.bytesSent).toBeCloseTo(zeroRun({ stage: 3 }).bytesSent, 3);
    // GPU: only the gather buffer (the one layer, 4 MB); NVMe per node: (4 + 8)Ψ/4 = 3 MB; host: 4Ψ/4 = 1 MB.
    for (const w of r.workerRows) expect(w.peakMemoryBytes).toBe(4e6);
    expect(r.metrics.find((m) => m.name === 'nvme_per_node_bytes')?.value).toBe(3e6);
    expect(r.metrics.find((m) => m.name === 'host_memory_per_node_bytes')?.value).toBe(1e6);
  });

  it('waits for a straggler every step (synchronous) and records τ = 0', () => {
    const r = zeroRun({ stage: 3 }, { stragglers: [{ kind: 'constant', options: { factor: 2 }, workers: [1] }] });
    // The slow worker sets every layer: 20 ms of compute plus the two exposed transfers of the step above.
    expect(r.simTimeS).toBeCloseTo(3 * (0.02 + 2 * half(n, N)), 12);
    for (const u of r.updateRows) expect(u.versionApplied - u.versionRead).toBe(0);
  });
});

describe('zero: memory', () => {
  // Custom timing: one layer of Ψ = paramBytes / 4 fp32 parameters, no activations. Adam: K = 8 bytes
  // (two fp32 moments, no master copy at fp32). N = 4. Per GPU (F14):
  //   stage 1: 4Ψ + 4Ψ + 8Ψ/4 = 10Ψ;  stage 2: 4Ψ + (4 + 8)Ψ/4 = 7Ψ;  stage 3: 16Ψ/4 = 4Ψ, plus the
  //   stage-3 gather buffer of the largest two adjacent layers (here the one layer, 4Ψ);
  //   offload cpu: the gradients and the optimizer state leave the GPU: 4Ψ (stages 1, 2), Ψ + 4Ψ (3).
  const psi = 1e6;
  const expected: [Record<string, unknown>, number][] = [
    [{ stage: 1 }, 10 * psi],
    [{ stage: 2 }, 7 * psi],
    [{ stage: 3 }, 4 * psi + 4 * psi],
    [{ stage: 1, offload: 'cpu' }, 4 * psi],
    [{ stage: 2, offload: 'cpu' }, 4 * psi],
    [{ stage: 3, offload: 'cpu' }, psi + 4 * psi],
  ];
  for (const [options, bytes] of expected) {
    it(`books ${bytes / psi}Ψ per GPU for ${JSON.stringify(options)}`, () => {
      const r = zeroRun(options, { optimizer: 'adam', paramBytes: 4 * psi });
      for (const w of r.workerRows) expect(w.peakMemoryBytes).toBe(bytes);
    });
  }

  it('reports host memory per node under offload in metrics.csv', () => {
    const r = zeroRun({ stage: 2, offload: 'cpu' }, { optimizer: 'adam', paramBytes: 4 * psi });
    // One GPU per node: its gradient partition 4Ψ/4 plus its optimizer partition 8Ψ/4.
    const m = r.metrics.find((x) => x.name === 'host_memory_per_node_bytes');
    expect(m?.value).toBe(3 * psi);
  });

  it('refuses, before running, a stage that does not fit, with the shortfall and what would fit', () => {
    // Ψ = 1e10 fp32 parameters with Adam on 80 GiB (85.9 GB) GPUs: stage 1 needs 10Ψ = 100 GB, 14.1 GB
    // too many; stage 2 (70 GB) and stage 3 (40 + 40 GB) fit, offload too.
    const big = { optimizer: 'adam', paramBytes: 4e10 };
    expect(() => zeroRun({ stage: 1 }, big)).toThrow(
      /ZeRO stage 1 needs 100\.0 GB per GPU \(weights 40\.0 GB, grads 40\.0 GB, optimizer 20\.0 GB; N_d = 4\), 14\.1 GB more than the 85\.9 GB of rank 0's A100-80GB; would fit: stage 2 \(70\.0 GB\), stage 3 \(80\.0 GB\), stage 1 with offload cpu/,
    );
    expect(zeroRun({ stage: 2 }, big).updates).toBe(3);
  });

  it('dtsim validate reports it at training.schedule', () => {
    const text = `
name: zero-oom
mode: timing-only
cluster: { nodes: [{ count: 4, gpusPerNode: 1, gpu: A100-80GB }] }
workload:
  model: { kind: logistic-regression }
  dataset: { kind: gaussian-mixture, n: 100, d: 8, numClasses: 3 }
  batchSize: 4
  timing: { kind: custom, stepTime: "10 ms", paramBytes: "40 GB" }
training:
  optimizer: { kind: adam }
  schedule: { kind: zero, stage: 1 }
  stop: { updates: 1 }
`;
    // The default precision stores 2-byte values: Ψ = 2e10, K = 12 (fp32 master + two moments), so
    // stage 1 needs 2Ψ + 2Ψ + 12Ψ/4 = 140 GB; only the offloaded configurations fit.
    // hostLink parses with units, missing fields from the default link.
    const ok = parseScenario(
      text
        .replace('stage: 1', 'stage: 2, offload: cpu')
        .replace('gpu: A100-80GB', 'gpu: A100-80GB, hostLink: { bandwidth: "16 GB/s" }'),
      'zero-ok.yaml',
    );
    expect(ok.runs[0]!.cluster.nodes[0]!.hostLink).toEqual({ bandwidth: 16e9, latency: 10e-6 });
    // ZeRO-Infinity needs stage 3 and NVMe drives on the nodes.
    expect(() => parseScenario(text.replace('stage: 1', 'stage: 2, offload: nvme'), 'zero-nvme.yaml')).toThrow(
      /training\.schedule\.offload: offload nvme is ZeRO-Infinity, .* it needs stage 3, got stage 2/,
    );
    expect(() =>
      parseScenario(
        text.replace('stage: 1', 'stage: 2, algorithm: halving-doubling').replace('count: 4', 'count: 3'),
        'zero-hd.yaml',
      ),
    ).toThrow(
      /training\.schedule\.algorithm: algorithm halving-doubling needs a power-of-two number of workers, got 3/,
    );
    expect(() => parseScenario(text.replace('stage: 1', 'stage: 3, offload: nvme'), 'zero-nvme.yaml')).toThrow(
      /offload nvme needs NVMe drives on every node; node group\(s\) 0 give none/,
    );
    const infinity = parseScenario(
      text
        .replace('stage: 1', 'stage: 3, offload: nvme')
        .replace('gpu: A100-80GB', 'gpu: A100-80GB, nvme: { bandwidth: "25 GB/s", latency: "100 us" }'),
      'zero-nvme.yaml',
    );
    expect(infinity.runs[0]!.cluster.nodes[0]!.nvme).toEqual({ bandwidth: 25e9, latency: 100e-6 });
    expect(() => parseScenario(text, 'zero-oom.yaml')).toThrow(
      /zero-oom\.yaml:\d+:\d+: training\.schedule: ZeRO stage 1 needs 140\.0 GB per GPU .*54\.1 GB more than the 85\.9 GB .*would fit: stage 1 with offload cpu \(40\.0 GB\)/,
    );
  });
});

describe('zero: math', () => {
  it('follows the same model trajectory as sync-allreduce (τ = 0, one mean gradient per step)', async () => {
    await initBackend('wasm');
    const base = { workers: 4, updates: 10, optimizer: 'adam', lr: 0.05 } as const;
    const dp = runScenario(tinyScenario(base), 0);
    for (const stage of [1, 3]) {
      const z = runScenario(tinyScenario({ ...base, schedule: 'zero', scheduleOptions: { stage } }), 0);
      expect([...z.updateRows].map((u) => [u.worker, u.versionRead, u.loss])).toEqual(
        [...dp.updateRows].map((u) => [u.worker, u.versionRead, u.loss]),
      );
      expect(z.evals.map((e) => [e.updates, e.accuracy, e.loss])).toEqual(
        dp.evals.map((e) => [e.updates, e.accuracy, e.loss]),
      );
    }
  });
});

describe('zero: the host memory bandwidth default', () => {
  it('is the one dtsim fit times ZeRO-Offload with', () => {
    expect(withScheduleDefaults('zero', {})['hostMemoryBandwidth']).toBe(DEFAULT_HOST_MEMORY_BANDWIDTH);
  });
});
