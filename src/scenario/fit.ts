/**
 * `dtsim fit`'s search (docs/fit.md): every configuration of fit-space.ts on the base scenario's
 * cluster and profile, pruned by memory with the cheap formulas (fit-pipeline.ts, fit-zero.ts), the
 * fitting ones ranked by their estimated step time, and the best `simulate` 3-D ones and the best
 * `simulate` ZeRO ones (each GPU's share in one pass: fit-run.ts `simulable`) timed by the simulator
 * itself (fit-run.ts). Rows say how they were timed: `simulated` or `estimated`.
 */
import { Rng } from '../core/rng.ts';
import { buildCluster } from '../hardware/cluster.ts';
import { Slowdown } from '../hardware/slowdown.ts';
import { ComputeModel } from '../schedules/lib/compute-model.ts';
import { profileParams } from '../workload/memory.ts';
import { optimizerBytesPerParam } from '../workload/zero-memory.ts';
import { assessPipe, type Assessment, type FitEnv } from './fit-pipeline.ts';
import { simulable, simulateCandidate, type SimulatedStep } from './fit-run.ts';
import {
  candidateLabel,
  countBlocks,
  pipeCandidates,
  zeroCandidates,
  type FitCandidate,
  type FitShape,
} from './fit-space.ts';
import { assessZero, zeroMemory } from './fit-zero.ts';
import { lmFigures } from './run-lm-figures.ts';
import { optimizerSlots } from './run-memory.ts';
import { resolveTiming } from './run-timing.ts';
import type { Scenario } from './types.ts';

/** Options of a fit. */
export interface FitOptions {
  /** Global batch B in samples. */
  readonly globalBatch: number;
  /** How many of the fastest-estimated fitting 3-D candidates to time with the simulator (0: none). */
  readonly simulate: number;
}

/** One configuration and what the fit found. */
export interface FitRow extends Assessment {
  readonly candidate: FitCandidate;
  readonly label: string;
  /** The simulator's figures, when it ran this one. */
  readonly simulated?: SimulatedStep;
  /** Seconds of one step: the simulated one when there is one, else the estimate. */
  readonly stepS: number;
  readonly timedBy: 'simulated' | 'estimated';
  readonly samplesPerS: number;
  readonly tokensPerS: number | undefined;
  readonly mfu: number | undefined;
}

/** The answer of a fit. */
export interface FitResult {
  readonly profile: string;
  readonly gpus: number;
  readonly gpu: string;
  readonly globalBatch: number;
  /** Configurations that fit, fastest first. */
  readonly fits: readonly FitRow[];
  /** Configurations that do not, smallest shortfall first. */
  readonly over: readonly FitRow[];
  /** Configurations the pipeline machinery cannot plan, with why. */
  readonly skipped: readonly { readonly label: string; readonly reason: string }[];
  /** When nothing fits: ZeRO-3's GPU count for this batch and what one GPU would need (see `hint`). */
  readonly hint?: FitHint;
}

/** What would help when nothing fits. */
export interface FitHint {
  /** Bytes the least demanding configuration needs per GPU. */
  readonly leastBytes: number;
  /** Its label. */
  readonly leastLabel: string;
  /** GPUs of this kind ZeRO-3 needs at its lightest activations (micro-batch 1, full recompute), if any number does. */
  readonly zero3Gpus: number | undefined;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** The fit's shared environment from a base scenario (see fit-pipeline.ts's {@link FitEnv}). */
export function fitEnv(base: Scenario, globalBatch: number): FitEnv & { readonly shape: FitShape } {
  const w = base.workload;
  if (w.timing.kind === 'model')
    throw new RangeError(
      'dtsim fit plans a named or custom timing profile (workload.timing kind profile or custom), not the trained proxy model',
    );
  const timing = resolveTiming(w.timing, w.model, w.precision, 784, 10);
  const cluster = buildCluster(base.cluster.nodes, 'nodes');
  const compute = new ComputeModel({
    devices: cluster.devices,
    profile: timing.profile,
    batchSize: 1,
    precision: w.precision,
    slowdown: new Slowdown([], new Rng(0)),
    ...(w.efficiency !== undefined ? { efficiency: w.efficiency } : {}),
    ...(w.computeModel !== undefined ? { computeModel: w.computeModel } : {}),
    ...(timing.stepTimeS !== undefined ? { stepTimeS: timing.stepTimeS } : {}),
  });
  const names = timing.profile.layers.map((l) => l.name);
  return {
    compute,
    devices: cluster.devices,
    nodes: cluster.nodes,
    optimizerSlots: optimizerSlots(base.training.optimizer),
    globalBatch,
    ncclProtocols: (base.cluster.network.protocol ?? 'auto') !== 'none',
    shape: {
      gpus: cluster.devices.length,
      // A tensor-parallel group must sit inside a node of every size (layout.ts): t divides their gcd.
      gpusPerNode: cluster.nodes.map((n) => n.gpus).reduce(gcd),
      globalBatch,
      blocks: countBlocks(names),
      layers: names.length,
    },
  };
}

/**
 * Searches every configuration (see the file header).
 * @throws RangeError for a timing the fit cannot plan; Error as the simulator.
 */
export function fit(base: Scenario, o: FitOptions): FitResult {
  const env = fitEnv(base, o.globalBatch);
  const profile = env.compute.profile;
  const skipped: { label: string; reason: string }[] = [];
  const assessed: { c: FitCandidate; a: Assessment }[] = [];
  for (const c of [...pipeCandidates(env.shape), ...zeroCandidates(env.shape)]) {
    try {
      assessed.push({ c, a: c.kind === 'zero' ? assessZero(c, env) : assessPipe(c, env, true) });
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      skipped.push({ label: candidateLabel(c), reason: err.message });
    }
  }
  const row = (c: FitCandidate, a: Assessment, sim?: SimulatedStep): FitRow => {
    const stepS = sim?.stepS ?? a.estimateS;
    const lm = lmFigures(profile, env.devices, base.workload.precision, o.globalBatch, stepS);
    const memoryBytes = sim === undefined ? a.memoryBytes : sim.peakBytes;
    return {
      ...a,
      memoryBytes,
      shortfallBytes:
        sim === undefined ? a.shortfallBytes : Math.max(a.shortfallBytes, sim.peakBytes - a.capacityBytes),
      candidate: c,
      label: candidateLabel(c),
      ...(sim === undefined ? {} : { simulated: sim }),
      stepS,
      timedBy: sim === undefined ? 'estimated' : 'simulated',
      samplesPerS: o.globalBatch / stepS,
      tokensPerS: lm.tokensPerS,
      mfu: lm.mfu,
    };
  };
  const fitting = assessed.filter((x) => x.a.shortfallBytes <= 0).sort((x, y) => x.a.estimateS - y.a.estimateS);
  const fits: FitRow[] = [];
  const over: FitRow[] = assessed.filter((x) => x.a.shortfallBytes > 0).map((x) => row(x.c, x.a));
  // The fastest estimates of each kind go to the simulator, `simulate` of each.
  const budget = { '3d': o.simulate, zero: o.simulate };
  for (const { c, a } of fitting) {
    if (simulable(c) && budget[c.kind] > 0) {
      budget[c.kind]--;
      const r = row(c, a, simulateCandidate(base, c, o.globalBatch));
      (r.shortfallBytes > 0 ? over : fits).push(r);
    } else fits.push(row(c, a));
  }
  fits.sort((x, y) => x.stepS - y.stepS || x.label.localeCompare(y.label));
  over.sort((x, y) => x.shortfallBytes - y.shortfallBytes || x.label.localeCompare(y.label));
  const gpuNames = [...new Set(env.devices.map((d) => d.spec.name))];
  return {
    profile: profile.name,
    gpus: env.devices.length,
    gpu: gpuNames.join('+'),
    globalBatch: o.globalBatch,
    fits,
    over,
    skipped,
    ...(fits.length === 0 && over.length > 0 ? { hint: hintFor(over[0]!, env) } : {}),
  };
}

/**
 * ZeRO-3 shards the whole model state N ways: with K optimizer bytes and w bytes per value it holds
 * (2w + K)Ψ / N plus its lightest activations A (micro-batch 1, full recompute) and one gathered
 * layer, so it fits on N ≥ (2w + K)Ψ / (C − A) GPUs of capacity C when C > A.
 */
function hintFor(least: FitRow, env: FitEnv): FitHint {
  const profile = env.compute.profile;
  const w = profile.bytesPerValue;
  const lightest = zeroMemory(
    { kind: 'zero', stage: 3, offload: 'none', dp: 1, microBatch: 1, microBatches: 1, recompute: 'full' },
    env,
  );
  const fixed = lightest.activations + lightest.transient;
  const cap = least.capacityBytes;
  const state = (2 * w + optimizerBytesPerParam(env.optimizerSlots, w)) * profileParams(profile);
  return {
    leastBytes: least.memoryBytes,
    leastLabel: least.label,
    zero3Gpus: cap > fixed ? Math.ceil(state / (cap - fixed)) : undefined,
  };
}
