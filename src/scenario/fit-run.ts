/**
 * Times a 3-D candidate of `dtsim fit` exactly as `dtsim run --timing-only` would: the base scenario
 * with the candidate as its `1f1b` schedule, one update, run by {@link runScenario}. Memory is booked
 * by the run's own ledger with oversubscription allowed, so the run reports the peak instead of
 * stopping, and the caller compares it with the capacity.
 */
import type { RunResult } from '../results/recorder.ts';
import { pipeBatchSize } from './fit-pipeline.ts';
import type { PipeCandidate } from './fit-space.ts';
import { runScenario } from './run-scenario.ts';
import type { Scenario } from './types.ts';

/**
 * The scenario that runs `c`: `base` in timing-only mode for one update, the nominal cluster (no
 * stragglers), no trace or update rows, the candidate's schedule and per-worker batch.
 */
export function candidateScenario(base: Scenario, c: PipeCandidate, globalBatch: number): Scenario {
  return {
    ...base,
    mode: 'timing-only',
    cluster: { ...base.cluster, stragglers: [], allowOversubscribe: true },
    workload: { ...base.workload, batchSize: pipeBatchSize(c, globalBatch) },
    training: {
      ...base.training,
      schedule: {
        kind: '1f1b',
        options: {
          stages: c.pp,
          tensorParallel: c.tp,
          sequenceParallel: c.sequenceParallel,
          recompute: c.recompute,
          microBatches: c.microBatches,
        },
      },
      stop: { updates: 1 },
    },
    output: { ...base.output, trace: false, updates: false, plots: false },
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
export function simulateCandidate(base: Scenario, c: PipeCandidate, globalBatch: number): SimulatedStep {
  const r: RunResult = runScenario(candidateScenario(base, c, globalBatch), 0);
  return { stepS: r.simTimeS, peakBytes: r.peakMemoryBytes, tokensPerS: r.tokensPerS, mfu: r.mfu, samples: r.samples };
}
