/**
 * The optimizer state the full trainer hands out: a training `Optimizer` plus the constant learning
 * rate of the spec it was made from, if any. Keeping the two in one object means a clone (post-local
 * SGD forking one state into N) carries the spec's rate along without any side table.
 */
import type { Optimizer } from '../../training/optimizers/optimizer.ts';
import type { OptimizerState } from './trainer.ts';

/** A real optimizer and the learning rate `FullTrainer.apply` uses by default. */
export class FullOptimizerState implements OptimizerState {
  /**
   * @param optimizer the optimizer stepped (owned by this state).
   * @param lr the spec's own constant rate; undefined: the scenario's schedule at `steps`.
   */
  constructor(
    readonly optimizer: Optimizer,
    readonly lr: number | undefined,
  ) {}

  get steps(): number {
    return this.optimizer.steps;
  }

  get stateSlots(): number {
    return this.optimizer.stateSlots;
  }

  clone(): FullOptimizerState {
    return new FullOptimizerState(this.optimizer.clone(), this.lr);
  }

  reset(): void {
    this.optimizer.reset();
  }
}
