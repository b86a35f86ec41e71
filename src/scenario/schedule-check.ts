/**
 * A schedule's own `check` (what its option descriptors cannot say, such as more parameter-server
 * shards than workers), made the same way at validation (schema-training.ts, with the file and path)
 * and in the runner (a scenario forced past validation fails with the same words).
 */
import type { ScheduleDefinition } from '../schedules/index.ts';
import type { OptionValues } from '../schedules/options.ts';
import type { RunShape } from '../schedules/types.ts';

/** Node groups as the scenario writes them, in rank order. */
type Groups = readonly { readonly count: number; readonly gpusPerNode: number }[];

/** The run's shape from its node groups: ranks are numbered group by group, node by node. */
export function runShape(groups: Groups): RunShape {
  const gpusPerNode: number[] = [];
  let workers = 0;
  for (const g of groups) {
    for (let i = 0; i < g.count; i++) gpusPerNode.push(g.gpusPerNode);
    workers += g.count * g.gpusPerNode;
  }
  // Frozen: one shape is shared by the sweep points of a load.
  return Object.freeze({ workers, nodes: gpusPerNode.length, gpusPerNode: Object.freeze(gpusPerNode) });
}

/** One problem `check` found, and the option it names (its first word), if any. */
export interface ScheduleProblem {
  readonly message: string;
  readonly option?: string;
}

/** What `def.check` finds in `options` on a cluster of `shape` (none when it has no `check`). */
export function scheduleProblems(def: ScheduleDefinition, options: OptionValues, shape: RunShape): ScheduleProblem[] {
  return (def.check?.(options, shape) ?? []).map((message) => {
    // The contract (types.ts): a message starts with the option's name.
    const key = /^(\w+)/.exec(message)?.[1];
    return key !== undefined && Object.hasOwn(def.options, key) ? { message, option: key } : { message };
  });
}
