/**
 * Asynchronous pipelines never flush, so their schedule is not one batch's op list but an endless
 * stream per stage (spec §15–18): PipeDream's 1F1B without a flush. Stage s of p admits
 * p − 1 − s warm-up forwards (PipeDream's NOAM: `num_warmup_minibatches = num_ranks − 1 − rank`),
 * then alternates one forward and one backward forever; after every `every`-th backward it steps its
 * weights (PipeDream and Pipelined Backprop: every micro-batch; 2BW and PipeMare: once per batch of
 * M micro-batches, coalescing their gradients). Micro-batch numbers grow without end.
 */
import type { PipeOp } from './pipe-op.ts';

/**
 * Stage `stage`'s endless op stream.
 * @throws RangeError for a stage outside 0..stages − 1 or `every` not an integer >= 1.
 */
export function* asyncOneFOneB(stage: number, stages: number, every: number): Generator<PipeOp, never, undefined> {
  if (!Number.isInteger(stages) || stages < 1 || !Number.isInteger(stage) || stage < 0 || stage >= stages)
    throw new RangeError(`stage must be an integer in 0..${stages - 1}, got ${stage}`);
  if (!Number.isInteger(every) || every < 1) throw new RangeError(`every must be an integer >= 1, got ${every}`);
  const warm = stages - 1 - stage;
  for (let j = 0; j < warm; j++) yield { op: 'F', mb: j, chunk: 0 };
  for (let i = 0; ; i++) {
    yield { op: 'F', mb: warm + i, chunk: 0 };
    yield { op: 'B', mb: i, chunk: 0 };
    if ((i + 1) % every === 0) yield { op: 'step', chunk: 0 };
  }
}
