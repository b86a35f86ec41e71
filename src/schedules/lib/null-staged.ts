/**
 * The timing-only staged trainer: S stages of empty snapshots, the shared `EMPTY_ACT` and
 * `EMPTY_GRAD`, so a pipeline schedule runs its one code path at no cost at any scale. Only `split`
 * allocates (the S snapshot objects it returns, as `NullTrainer` allocates the snapshot it returns).
 */
import type { ParamSnapshot } from '../../training/engine/snapshot.ts';
import { EMPTY_ACT, type ActRef, type StagedBackward, type StagedTrainer } from './staged.ts';
import { NullOptimizerState } from './null-trainer.ts';
import { EMPTY_GRAD, EMPTY_VEC, type OptimizerState } from './trainer.ts';

const NULL_BACKWARD: StagedBackward = Object.freeze({ dIn: EMPTY_ACT, grad: EMPTY_GRAD });

/**
 * Number of stages `layersPerStage` asks for. No model is known in timing-only mode, so only the
 * shape of the request is checked (full mode also checks it against the model's layers).
 * @throws RangeError for a count that is not a positive integer or an empty or non-positive list.
 */
export function stageCount(layersPerStage: number | readonly number[]): number {
  if (typeof layersPerStage === 'number') {
    if (!Number.isInteger(layersPerStage) || layersPerStage < 1)
      throw new RangeError(`stages must be an integer >= 1, got ${layersPerStage}`);
    return layersPerStage;
  }
  if (layersPerStage.length === 0 || layersPerStage.some((c) => !Number.isInteger(c) || c < 1))
    throw new RangeError(`layers per stage [${layersPerStage.join(', ')}] must be a non-empty list of integers >= 1`);
  return layersPerStage.length;
}

/** Timing-only stages: versions are kept, nothing is computed. */
export class NullStagedTrainer implements StagedTrainer {
  readonly stages: number;
  readonly stageParamCounts: readonly number[];

  /** @throws RangeError as `stageCount`. */
  constructor(layersPerStage: number | readonly number[]) {
    this.stages = stageCount(layersPerStage);
    this.stageParamCounts = Object.freeze(Array.from({ length: this.stages }, () => 0));
  }

  split(snapshot: ParamSnapshot): readonly ParamSnapshot[] {
    const v = snapshot.version;
    return Array.from({ length: this.stages }, () => ({ version: v, params: EMPTY_VEC }));
  }

  join(_parts: readonly ParamSnapshot[], version: number): ParamSnapshot {
    return { version, params: EMPTY_VEC };
  }

  input(): ActRef {
    return EMPTY_ACT;
  }

  forward(): ActRef {
    return EMPTY_ACT;
  }

  backward(): StagedBackward {
    return NULL_BACKWARD;
  }

  /** Counts the step (the learning-rate schedule reads `steps`). @throws TypeError for another trainer's state. */
  apply(opt: OptimizerState, _stage: number, _w: ParamSnapshot, _grad: unknown, version: number): ParamSnapshot {
    if (!(opt instanceof NullOptimizerState))
      throw new TypeError('NullStagedTrainer.apply: an optimizer state of another trainer');
    opt.steps++;
    return { version, params: EMPTY_VEC };
  }

  snapshot(_stage: number, _params: unknown, version: number): ParamSnapshot {
    return { version, params: EMPTY_VEC };
  }
}
