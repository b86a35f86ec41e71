/**
 * Learning-rate schedules as pure functions of the 0-based optimizer step: `lr = schedule(t)`. Being
 * pure (no state), a schedule can be asked about any step, by any worker, in any order, which the
 * asynchronous schedules need. Linear warm-up wraps any schedule.
 */
import { checkHyper } from './optimizer.ts';

/** Learning rate for 0-based step t (t >= 0). */
export type LrSchedule = (step: number) => number;

function checkStep(t: number): void {
  if (!(t >= 0) || !Number.isInteger(t)) throw new RangeError(`step must be an integer >= 0, got ${t}`);
}

/** lr(t) = lr. @throws RangeError if lr is not finite >= 0. */
export function constantLr(lr: number): LrSchedule {
  checkHyper('lr', lr, 0);
  return (t) => {
    checkStep(t);
    return lr;
  };
}

/**
 * Step decay: lr(t) = lr · γ^⌊t / everySteps⌋ (PyTorch StepLR).
 * @throws RangeError if lr < 0, everySteps not an integer >= 1, or γ outside (0, ∞).
 */
export function stepLr(lr: number, everySteps: number, gamma: number): LrSchedule {
  checkHyper('lr', lr, 0);
  if (!Number.isInteger(everySteps) || everySteps < 1)
    throw new RangeError(`everySteps must be an integer >= 1, got ${everySteps}`);
  checkHyper('gamma', gamma, Number.MIN_VALUE);
  return (t) => {
    checkStep(t);
    return lr * Math.pow(gamma, Math.floor(t / everySteps));
  };
}

/**
 * Cosine annealing to a floor over `totalSteps` (PyTorch CosineAnnealingLR without restarts):
 * lr(t) = floor + (lr − floor)·(1 + cos(π·min(t, T)/T))/2, so lr(0) = lr, lr(T/2) = (lr+floor)/2 and
 * lr(t) = floor for t >= T.
 * @throws RangeError if lr < 0, floor outside [0, lr], or totalSteps not an integer >= 1.
 */
export function cosineLr(lr: number, totalSteps: number, floor = 0): LrSchedule {
  checkHyper('lr', lr, 0);
  if (!Number.isInteger(totalSteps) || totalSteps < 1)
    throw new RangeError(`totalSteps must be an integer >= 1, got ${totalSteps}`);
  if (!(floor >= 0 && floor <= lr)) throw new RangeError(`floor must be in [0, lr = ${lr}], got ${floor}`);
  return (t) => {
    checkStep(t);
    const u = Math.min(t, totalSteps) / totalSteps;
    return floor + ((lr - floor) * (1 + Math.cos(Math.PI * u))) / 2;
  };
}

/**
 * Linear warm-up over the first `warmupSteps` steps, multiplied onto `inner`:
 * lr(t) = inner(t) · min(1, (t+1)/W). Step 0 gets inner(0)/W and step W−1 reaches the full rate
 * (Goyal et al. 2017's gradual warm-up). The inner schedule keeps counting from step 0, so step-decay
 * milestones and a cosine's totalSteps refer to the whole run, warm-up included. W = 0 returns `inner`.
 * @throws RangeError unless warmupSteps is an integer >= 0.
 */
export function withWarmup(inner: LrSchedule, warmupSteps: number): LrSchedule {
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0)
    throw new RangeError(`warmupSteps must be an integer >= 0, got ${warmupSteps}`);
  if (warmupSteps === 0) return inner;
  return (t) => inner(t) * Math.min(1, (t + 1) / warmupSteps);
}
