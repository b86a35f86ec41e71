/**
 * The flush pipeline schedules as {@link PipeProgram}s: GPipe, 1F1B (PipeDream-Flush), Megatron's
 * interleaved 1F1B and zero-bubble ZB-H1. Each is a pure function of (rank, ranks, microBatches, chunks);
 * the timing falls out of {@link timeline} in timeline.ts.
 */
import type { PipeOp, PipeProgram } from './pipe-op.ts';

function checkArgs(name: string, rank: number, ranks: number, microBatches: number, chunks: number): void {
  const int = (x: number, lo: number): boolean => Number.isInteger(x) && x >= lo;
  if (!int(ranks, 1) || !int(microBatches, 1) || !int(chunks, 1))
    throw new Error(
      `${name}: ranks, microBatches and chunks must be integers >= 1, got ${ranks}, ${microBatches}, ${chunks}`,
    );
  if (!int(rank, 0) || rank >= ranks)
    throw new Error(`${name}: rank must be an integer in 0..${ranks - 1}, got ${rank}`);
}

function oneChunk(name: string, chunks: number): void {
  if (chunks !== 1) throw new Error(`${name} runs one chunk per rank, got chunks = ${chunks}; use interleaved-1f1b`);
}

const F = (mb: number, chunk = 0): PipeOp => ({ op: 'F', mb, chunk });
const B = (mb: number, chunk = 0): PipeOp => ({ op: 'B', mb, chunk });
const I = (mb: number): PipeOp => ({ op: 'I', mb, chunk: 0 });
const W = (mb: number): PipeOp => ({ op: 'W', mb, chunk: 0 });
const STEP: PipeOp = { op: 'step', chunk: 0 };

/**
 * GPipe (spec §14): every forward, then every backward, then the step. Backwards run in micro-batch
 * order, as PyTorch's `ScheduleGPipe` does; the makespan (M+S−1)(t_F+t_B) does not depend on it.
 */
export const gpipe: PipeProgram = (rank, ranks, microBatches, chunks) => {
  checkArgs('gpipe', rank, ranks, microBatches, chunks);
  oneChunk('gpipe', chunks);
  const mbs = Array.from({ length: microBatches }, (_, j) => j);
  return [...mbs.map((j) => F(j)), ...mbs.map((j) => B(j)), STEP];
};

/**
 * 1F1B with a flush (PipeDream-Flush, spec §16.2; Megatron's `forward_backward_pipelining`): warm-up
 * min(S−1−s, M) forwards, then alternate one forward and one backward, then the remaining backwards.
 * Stage s holds at most min(S−s, M) micro-batches of activations (F5).
 */
export const oneFOneB: PipeProgram = (rank, ranks, microBatches, chunks) => {
  checkArgs('1f1b', rank, ranks, microBatches, chunks);
  oneChunk('1f1b', chunks);
  const warm = Math.min(ranks - 1 - rank, microBatches);
  const ops: PipeOp[] = [];
  for (let j = 0; j < warm; j++) ops.push(F(j));
  for (let i = 0; i < microBatches - warm; i++) ops.push(F(warm + i), B(i));
  for (let i = microBatches - warm; i < microBatches; i++) ops.push(B(i));
  ops.push(STEP);
  return ops;
};

/** Megatron's interleaved warm-up (F8): 2(p−rank−1) + (v−1)p forwards, capped at the total m·v. */
export function interleavedWarmup(rank: number, ranks: number, microBatches: number, chunks: number): number {
  return Math.min(2 * (ranks - rank - 1) + (chunks - 1) * ranks, microBatches * chunks);
}

/**
 * Interleaved 1F1B (Megatron-LM, SC'21; spec §19.1): each rank holds `chunks` = v model chunks, chunk c
 * of rank d being virtual stage c·p + d. The k-th forward of a rank runs chunk ⌊(k mod pv)/p⌋ on
 * micro-batch ⌊k/pv⌋·p + k mod p (groups of p micro-batches sweep the chunks in turn), the k-th backward
 * the same with the chunks reversed, as Megatron's `get_model_chunk_id` does. Warm-up is
 * {@link interleavedWarmup}; then 1F1B, then the remaining backwards. Megatron requires M to be a
 * multiple of p, and so does this.
 */
export const interleaved1F1B: PipeProgram = (rank, ranks, microBatches, chunks) => {
  checkArgs('interleaved-1f1b', rank, ranks, microBatches, chunks);
  if (microBatches % ranks !== 0)
    throw new Error(
      `interleaved-1f1b needs micro-batches to be a multiple of the stages (as Megatron does), got M = ${microBatches}, S = ${ranks}`,
    );
  const group = ranks * chunks;
  const mbOf = (k: number): number => Math.floor(k / group) * ranks + (k % ranks);
  const chunkOf = (k: number, forward: boolean): number => {
    const c = Math.floor((k % group) / ranks);
    return forward ? c : chunks - 1 - c;
  };
  const total = microBatches * chunks;
  const warm = interleavedWarmup(rank, ranks, microBatches, chunks);
  const fwd = (k: number): PipeOp => F(mbOf(k), chunkOf(k, true));
  const bwd = (k: number): PipeOp => B(mbOf(k), chunkOf(k, false));
  const ops: PipeOp[] = [];
  for (let k = 0; k < warm; k++) ops.push(fwd(k));
  for (let i = 0; i < total - warm; i++) ops.push(fwd(warm + i), bwd(i));
  for (let i = total - warm; i < total; i++) ops.push(bwd(i));
  for (let c = 0; c < chunks; c++) ops.push({ op: 'step', chunk: c });
  return ops;
};

/**
 * ZB-H1 (Qi et al., ICLR 2024; spec §19.2): 1F1B with each backward split into I (input gradient, on
 * the critical path) and W (weight gradient, deferrable). Stage s runs 1F1B's warm-up and F/I steady
 * state but lets its W lag its I by s micro-batches, so every stage holds at most S micro-batches of
 * activations (a W frees them), the peak of 1F1B's stage 0; the deferred Ws fill the cool-down, where
 * 1F1B idles. This is the op order of PyTorch's `ScheduleInterleavedZeroBubble` (ZB1P) with one local
 * stage (`_get_1f1b_rank_ops` with `num_1f1b_microbatches = rank`).
 */
export const zbH1: PipeProgram = (rank, ranks, microBatches, chunks) => {
  checkArgs('zb-h1', rank, ranks, microBatches, chunks);
  oneChunk('zb-h1', chunks);
  const warm = Math.min(ranks - 1 - rank, microBatches);
  const lag = rank;
  const ops: PipeOp[] = [];
  let nextW = 0;
  const inputDone = (i: number): void => {
    ops.push(I(i));
    if (i - nextW >= lag) ops.push(W(nextW++));
  };
  for (let j = 0; j < warm; j++) ops.push(F(j));
  for (let i = 0; i < microBatches - warm; i++) {
    ops.push(F(warm + i));
    inputDone(i);
  }
  for (let i = microBatches - warm; i < microBatches; i++) inputDone(i);
  while (nextW < microBatches) ops.push(W(nextW++));
  ops.push(STEP);
  return ops;
};

/** Every pipeline program by its CLI name. */
export const PIPE_PROGRAMS: Readonly<Record<string, PipeProgram>> = {
  gpipe,
  '1f1b': oneFOneB,
  'interleaved-1f1b': interleaved1F1B,
  'zb-h1': zbH1,
};
