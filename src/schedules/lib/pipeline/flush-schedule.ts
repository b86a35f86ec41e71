/**
 * What a flush pipeline schedule with the shared options is, apart from its name and paper: the
 * options (micro-batches and the layout), its own memory booking and validation-time memory check,
 * the layout check, one data key per (replica, stage) group, and the executor playing its program.
 * gpipe.ts, 1f1b.ts and zb-h1.ts are their program plus this; interleaved-1f1b.ts adds an option.
 */
import type { ProcessGenerator } from '../../../core/process.ts';
import type { ScheduleContext } from '../../context.ts';
import type { ScheduleDefinition } from '../../types.ts';
import { runPipeline } from './executor.ts';
import { layoutDataKeys } from './layout.ts';
import { pipeMemoryProblems } from './memory-check.ts';
import type { PipeProgram } from './pipe-op.ts';
import { PIPE_OPTIONS, pipeProblems } from './setup.ts';

/** The parts of a flush pipeline schedule that `program` does not change. */
export type FlushScheduleParts = Pick<
  ScheduleDefinition<typeof PIPE_OPTIONS>,
  'options' | 'ownsMemory' | 'memoryCheck' | 'check' | 'dataKeys' | 'start'
>;

/** The shared parts of a flush pipeline schedule playing `program` (see the file header). */
export function flushSchedule(program: PipeProgram): FlushScheduleParts {
  return {
    options: PIPE_OPTIONS,
    ownsMemory: true,
    memoryCheck: (o, env) => pipeMemoryProblems(o, env, { program }),
    check: pipeProblems,
    dataKeys: layoutDataKeys,
    *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
      yield* runPipeline(ctx, { program, ...o });
    },
  };
}
