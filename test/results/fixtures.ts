/** Small hand-made `RunResult`s for the results tests (no simulation needed). */
import type { RunResult, WorkerRow } from '../../src/results/recorder.ts';

/** A worker row with plausible numbers; `over` replaces any field. */
export function workerRow(worker: number, over: Partial<WorkerRow> = {}): WorkerRow {
  return {
    worker,
    node: Math.floor(worker / 4),
    gpu: 'A100-80GB',
    computeS: 8,
    commS: 1.5,
    idleS: 0.5,
    updates: 10,
    utilization: 0.8,
    meanStaleness: 0,
    maxStaleness: 0,
    peakMemoryBytes: 4e9,
    ...over,
  };
}

/** A two-worker full-mode run; `over` replaces any field. */
export function makeRun(over: Partial<RunResult> = {}): RunResult {
  return {
    runId: 0,
    label: 'demo',
    scenario: 'demo',
    schedule: 'sync-allreduce',
    mode: 'full',
    workers: 2,
    seed: 7,
    timing: 'model:mlp',
    simTimeS: 10,
    updates: 20,
    samples: 1280,
    finalLoss: 0.25,
    finalAccuracy: 0.9,
    bestAccuracy: 0.91,
    timeToTargetS: undefined,
    bytesSent: 2.5e9,
    peakMemoryBytes: 4e9,
    meanStaleness: 0,
    maxStaleness: 0,
    meanUtilization: 0.8,
    stopReason: 'updates reached 20',
    divergence: undefined,
    collapse: undefined,
    updatesKept: true,
    updatesDropped: 0,
    notes: [],
    thresholds: [],
    evals: [
      { timeS: 5, updates: 10, samples: 640, epoch: 0.01, loss: 0.5, accuracy: 0.8 },
      { timeS: 10, updates: 20, samples: 1280, epoch: 0.02, loss: 0.25, accuracy: 0.9 },
    ],
    updateRows: [
      { timeS: 0.5, worker: 0, stage: 0, versionRead: 0, versionApplied: 0, loss: 2.3 },
      { timeS: 1, worker: 1, stage: 0, versionRead: 0, versionApplied: 1, loss: undefined },
    ],
    workerRows: [workerRow(0), workerRow(1)],
    spans: [
      { worker: 0, kind: 'compute', name: 'fwd+bwd', startS: 0, durationS: 0.4 },
      { worker: 0, kind: 'comm', name: 'all-reduce ring 1 MB', startS: 0.4, durationS: 0.1 },
      { worker: 1, kind: 'compute', name: 'fwd+bwd', startS: 0, durationS: 0.45 },
      { worker: 1, kind: 'wait', name: 'wait', startS: 0.45, durationS: 0.05 },
    ],
    traceDropped: 0,
    wallS: 1.25,
    ...over,
  };
}
