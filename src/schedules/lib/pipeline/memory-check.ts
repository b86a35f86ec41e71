/**
 * A pipeline's memory checked before it runs (`dtsim validate`): the run books its stages as it goes
 * (stage-memory.ts), so validation replays the same booking on a ledger of its own, with the peaks
 * the schedule reaches:
 * - a flush program's op order on every rank (an F holds a micro-batch's activations, its B or W
 *   frees them), which fixes its activation peak whatever the timing;
 * - an asynchronous stream's first batches, and its weight versions per stage (spec §24.1).
 * The first GPU that cannot hold its stage is reported with the ledger's breakdown.
 */
import { MemoryLedger, OutOfMemoryError } from '../../../hardware/memory-ledger.ts';
import type { MemoryCheckEnv } from '../../types.ts';
import type { PipeOp, PipeProgram } from './pipe-op.ts';
import { planPipeline, type PipeSetupOptions } from './setup.ts';
import { StageMemory } from './stage-memory.ts';
import { asyncOneFOneB } from './streams.ts';

/** How a schedule's ops run, for the replay. */
export type PipeOps =
  | { readonly program: PipeProgram }
  | {
      /** Steps per `every` backwards (the stream's shape; activations do not depend on it). */
      readonly every: number;
      /** Weight versions stage s of p holds at its peak. */
      readonly versions: (s: number, p: number) => number;
      /** Parameter-sized buffers per stage beyond the optimizer. */
      readonly buffers?: number;
    };

/**
 * Problems (messages) with the memory a pipeline needs on this cluster; empty when it fits.
 * Problems planning finds (a batch M does not split, tensor parallelism a profile cannot take) are
 * returned as they are.
 */
export function pipeMemoryProblems(o: PipeSetupOptions, env: MemoryCheckEnv, ops: PipeOps): string[] {
  let plan;
  try {
    plan = planPipeline(env.compute, env.devices, env.nodes, env.batchSize, o);
  } catch (err) {
    // What only planning finds (tensor parallelism on a profile without layers to split, a batch that
    // does not split into M micro-batches) is reported here, before the run would throw it.
    if (err instanceof RangeError) return [err.message];
    throw err;
  }
  const { layout, footprints } = plan;
  const p0 = layout.stages;
  // The asynchronous pipelines compute stage by stage (Trainer.staged): the model must split into p.
  const m = env.trained;
  if (!('program' in ops) && m !== undefined) {
    if (m.denseLayers === null)
      return [
        `the trained model ${m.name} is not a dense stack; an asynchronous pipeline computes stage by stage and splits only MLPs and logistic regression`,
      ];
    if (m.denseLayers < p0)
      return [
        `the trained model ${m.name} has ${m.denseLayers} layers, fewer than the ${p0} stages; an asynchronous pipeline computes stage by stage (use a deeper model, e.g. workload.model preset deep8, or fewer stages)`,
      ];
  }
  if (env.allowOversubscribe) return [];
  const p = layout.stages;
  const v = o.chunks ?? 1;
  const n = env.devices.length;
  const ledger = new MemoryLedger(
    env.devices.map((d) => d.spec.memoryBytes as number),
    false,
    env.devices.map((d) => d.spec.name),
  );
  const stats = {
    stage: new Int32Array(n),
    peakWeightVersions: new Int32Array(n),
    peakActivations: new Int32Array(n),
  };
  try {
    const deps = {
      memory: ledger,
      optimizerSlots: env.optimizerSlots,
      stats,
      bytesPerValue: env.compute.profile.bytesPerValue,
    };
    const mem = new StageMemory(deps, layout, footprints, v);
    if ('program' in ops) {
      for (let s = 0; s < p; s++) {
        const list = ops.program(s, p, plan.microBatches, v);
        for (let r = 0; r < layout.replicas; r++) replay(mem, r, s, p, list);
      }
    } else {
      for (let s = 0; s < p; s++) {
        if ((ops.buffers ?? 0) > 0) mem.buffers(s, ops.buffers!);
        mem.setVersions(s, ops.versions(s, p));
        // Two batches of the stream reach its steady state (p − s micro-batches in flight at stage s).
        const list: PipeOp[] = [];
        const it = asyncOneFOneB(s, p, ops.every);
        while (list.length < 4 * (p + plan.microBatches)) list.push(it.next().value);
        for (let r = 0; r < layout.replicas; r++) replay(mem, r, s, p, list);
      }
    }
  } catch (err) {
    if (err instanceof OutOfMemoryError)
      return [err.message.replace(/^out of GPU memory/, 'the pipeline runs out of GPU memory')];
    throw err;
  }
  return [];
}

function replay(mem: StageMemory, r: number, s: number, p: number, ops: readonly PipeOp[]): void {
  for (const x of ops) {
    if (x.op === 'step') continue;
    const vs = x.chunk * p + s;
    if (x.op === 'F') mem.hold(r, vs, x.mb);
    else if (x.op === 'B' || x.op === 'W') mem.release(r, vs, x.mb);
  }
}
