/**
 * Everything a schedule may touch (design.md §1): the simulator, the cluster's devices, the
 * communicator and network model, per-worker compute times, the trainer (real or null), the recorder,
 * per-worker accounting and the run's progress. Schedules get nothing else, and they write time,
 * rows and progress only through `lib/crew.ts` (an architecture test keeps it so): the recorder,
 * `stats` and `progress` are here for the kit's blocks, and for schedules to read.
 */
import type { Rng } from '../core/rng.ts';
import type { Simulator } from '../core/simulator.ts';
import type { Communicator } from '../collectives/communicator.ts';
import type { ClusterNode, Device } from '../hardware/cluster.ts';
import type { MemoryLedger } from '../hardware/memory-ledger.ts';
import type { NetworkModel } from '../network/types.ts';
import type { Recorder } from '../results/recorder.ts';
import type { ComputeModel } from './lib/compute-model.ts';
import type { Progress } from './lib/progress.ts';
import type { Trainer } from './lib/trainer.ts';
import type { WorkerStats } from './lib/worker-stats.ts';

/** The schedule's view of one run. */
export interface ScheduleContext {
  readonly sim: Simulator;
  /** Data-parallel workers: one per GPU, rank r on `devices[r]`. */
  readonly workers: number;
  readonly devices: readonly Device[];
  /** The cluster's nodes (`devices[r].node` indexes them): their intra-node links and NICs. */
  readonly nodes: readonly ClusterNode[];
  readonly comm: Communicator;
  readonly network: NetworkModel;
  readonly compute: ComputeModel;
  readonly trainer: Trainer;
  readonly recorder: Recorder;
  readonly stats: WorkerStats;
  readonly progress: Progress;
  /** Per-worker batch size. */
  readonly batchSize: number;
  /**
   * GPU memory per rank. The run has already booked every rank's model state (weights, gradients,
   * optimizer state) and one batch of activations (run-setup.ts); a schedule books what it keeps
   * beyond that (extra replicas, stashed weights, buffers).
   */
  readonly memory: MemoryLedger;
  /**
   * Parameter-sized state vectors of the scenario's optimizer (0 SGD, 1 momentum, 2 Adam), for memory
   * a schedule books itself (`ownsMemory`); known in both modes.
   */
  readonly optimizerSlots: number;
  /** The schedule's own random stream (fork it per use). */
  readonly rng: Rng;
}
