/**
 * Pipeline schedules as data (review schedule-api.md §4.4): a schedule is, per stage-rank, the ordered
 * list of operations that rank runs for one batch, as DeepSpeed's `PipeSchedule.steps()` and PyTorch's
 * `pipeline_order` of `_Action`s describe it. Keeping the order as plain data lets one executor time
 * every schedule and lets tests read a schedule as a table.
 */

/**
 * One operation of a stage-rank. `F` forward, `B` full backward, `I` backward for the input gradient
 * only and `W` backward for the weight gradient only (zero-bubble's split of `B`), each on micro-batch
 * `mb` of model chunk `chunk` (0 unless the schedule interleaves chunks); `step` is the optimizer step
 * of one chunk after the flush.
 */
export type PipeOp = { op: 'F' | 'B' | 'I' | 'W'; mb: number; chunk: number } | { op: 'step'; chunk: number };

/** A compute operation: every {@link PipeOp} but `step`. */
export type PipeComputeOp = Extract<PipeOp, { mb: number }>;

/** The schedule as data: the ordered ops of stage-rank `rank` of `ranks` for one batch. */
export type PipeProgram = (rank: number, ranks: number, microBatches: number, chunks: number) => readonly PipeOp[];
