/**
 * The schedule registry: name → definition. The scenario schema and `dtsim list schedules` are built
 * from it, so a new schedule appears everywhere by adding one file and one line here.
 */
import { oneFOneB } from './1f1b.ts';
import { asyncPs } from './async-ps.ts';
import { diloco } from './diloco.ts';
import { hogwild } from './hogwild.ts';
import { crossbow } from './crossbow.ts';
import { fedavg } from './fedavg.ts';
import { fedbuff } from './fedbuff.ts';
import { gpipe } from './gpipe.ts';
import { localSgd } from './local-sgd.ts';
import { postLocalSgd } from './post-local-sgd.ts';
import { slowmo } from './slowmo.ts';
import { dcAsgd } from './dc-asgd.ts';
import { ssp } from './ssp.ts';
import { syncAllreduce } from './sync-allreduce.ts';
import type { ScheduleDefinition } from './types.ts';
import { wavelet } from './wavelet.ts';
import { zbH1 } from './zb-h1.ts';
import { pipedream } from './pipedream.ts';
import { pipedream2bw } from './pipedream-2bw.ts';
import { pipemare } from './pipemare.ts';
import { pipelinedBackprop } from './pipelined-backprop.ts';
import { interleaved1F1B } from './interleaved-1f1b.ts';
import { decentralized } from './decentralized.ts';
import { lowPrecisionDecentralized } from './low-precision-decentralized.ts';
import { asyncModelAverage } from './async-model-average.ts';
import { zero } from './zero.ts';

/** Every schedule dtsim runs, by name. */
export const SCHEDULES: Readonly<Record<string, ScheduleDefinition>> = Object.freeze({
  [syncAllreduce.name]: syncAllreduce,
  [asyncPs.name]: asyncPs,
  [localSgd.name]: localSgd,
  [postLocalSgd.name]: postLocalSgd,
  [diloco.name]: diloco,
  [slowmo.name]: slowmo,
  [hogwild.name]: hogwild,
  [crossbow.name]: crossbow,
  [wavelet.name]: wavelet,
  [ssp.name]: ssp,
  [dcAsgd.name]: dcAsgd,
  [fedavg.name]: fedavg,
  [fedbuff.name]: fedbuff,
  [gpipe.name]: gpipe,
  [oneFOneB.name]: oneFOneB,
  [interleaved1F1B.name]: interleaved1F1B,
  [zbH1.name]: zbH1,
  [pipedream.name]: pipedream,
  [pipedream2bw.name]: pipedream2bw,
  [pipemare.name]: pipemare,
  [pipelinedBackprop.name]: pipelinedBackprop,
  [decentralized.name]: decentralized,
  [lowPrecisionDecentralized.name]: lowPrecisionDecentralized,
  [asyncModelAverage.name]: asyncModelAverage,
  [zero.name]: zero,
});

/**
 * Looks up a schedule.
 * @throws RangeError listing the known names when `name` is unknown.
 */
export function getSchedule(name: string): ScheduleDefinition {
  const s = Object.hasOwn(SCHEDULES, name) ? SCHEDULES[name] : undefined;
  if (s === undefined) throw new RangeError(`unknown schedule '${name}' (known: ${Object.keys(SCHEDULES).join(', ')})`);
  return s;
}

export { defineSchedule } from './types.ts';
export type { OptionsOf, OptionValueOf, RunShape, ScheduleDefinition } from './types.ts';
export type {
  FileOptionValue,
  OptimizerSpec,
  OptionSpec,
  OptionSpecs,
  OptionValues,
  QuantityDimension,
} from './options.ts';
