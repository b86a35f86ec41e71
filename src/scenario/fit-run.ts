/**
 * Times a candidate of `dtsim fit` exactly as `dtsim run --timing-only` would: the base scenario with
 * the candidate as its schedule (a 3-D one as `1f1b`; a ZeRO one as `zero` at stages 1–3 and as
 * `sync-allreduce` at stage 0, each GPU taking its share of the global batch in one pass), one
 * update, run by {@link runScenario}. Memory is booked by the run's own ledger with oversubscription
 * allowed, so the run reports the peak instead of stopping, and the caller compares it with the
 * capacity. A ZeRO candidate with gradient accumulation or recomputation stays an estimate: neither
 * schedule has them ({@link simulable}).
 */
import type { RunResult } from '../results/recorder.ts';
import { pipeBatchSize } from './fit-pipeline.ts';
import { DEFAULT_HOST_MEMORY_BANDWIDTH } from '../schedules/lib/zero-host.ts';
import type { FitCandidate, PipeCandidate, ZeroCandidate } from './fit-space.ts';
import { runScenario } from './run-scenario.ts';
import type { Scenario } from './types.ts';

/**
 * The scenario that runs `c`: `base` in timing-only mode for one update, the nominal cluster (no
 * stragglers), no trace or update rows, the candidate's schedule and per-worker batch.
 */
export function candidateScenario(base: Scenario, c: FitCandidate, globalBatch: number): Scenario {
  const schedule = c.kind === 'zero' ? zeroSchedule(c) : pipeSchedule(c);
  const batchSize = c.kind === 'zero' ? c.microBatch : pipeBatchSize(c, globalBatch);
  return {
    ...base,
    mode: 'timing-only',
    cluster: { ...base.cluster, stragglers: [], allowOversubscribe: true },
    workload: { ...base.workload, batchSize },
    training: { ...base.training, schedule, stop: { updates: 1 } },
    output: { ...base.output, trace: false, updates: false, plots: false },
  };
}

/** Whether `c` is simulated: every 3-D candidate; ZeRO ones without accumulation or recomputation. */
export function simulable(c: FitCandidate): boolean {
  return c.kind === '3d' || (c.microBatches === 1 && c.recompute === 'none');
}

function pipeSchedule(c: PipeCandidate): Scenario['training']['schedule'] {
  return {
    kind: '1f1b',
    options: {
      stages: c.pp,
      tensorParallel: c.tp,
      sequenceParallel: c.sequenceParallel,
      recompute: c.recompute,
      microBatches: c.microBatches,
    },
  };
}

// Every option the schedule reads, as the loader would fill it (its defaults).
function zeroSchedule(c: ZeroCandidate): Scenario['training']['schedule'] {
  // Stage 0 is plain data parallelism, which books F14's stage 0 as well (scenario/run-memory.ts).
  if (c.stage === 0 && c.offload === 'none') return { kind: 'sync-allreduce', options: { algorithm: 'ring' } };
  return {
    kind: 'zero',
    options: {
      stage: c.stage,
      offload: c.offload,
      algorithm: 'ring',
      hostMemoryBandwidth: DEFAULT_HOST_MEMORY_BANDWIDTH,
    },
  };
}

/** What the simulation of one candidate gives. */
export interface SimulatedStep {
  /** Simulated seconds of one update. */
  readonly stepS: number;
  /** Peak bytes the run's ledger booked on its fullest GPU. */
  readonly peakBytes: number;
  readonly tokensPerS: number | undefined;
  readonly mfu: number | undefined;
  /** Samples of the update. */
  readonly samples: number;
}

/** Runs `c` (see the file header). @throws Error as {@link runScenario}. */
export function simulateCandidate(base: Scenario, c: FitCandidate, globalBatch: number): SimulatedStep {
  const r: RunResult = runScenario(candidateScenario(base, c, globalBatch), 0);
  return { stepS: r.simTimeS, peakBytes: r.peakMemoryBytes, tokensPerS: r.tokensPerS, mfu: r.mfu, samples: r.samples };
}
