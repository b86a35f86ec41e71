/**
 * Registries of optimizers and learning-rate schedules: name → description, numeric options with
 * defaults, and a factory. The scenario schema and `dtsim list` are built from these, so a new optimizer
 * appears everywhere by adding one entry. Momentum and Nesterov are separate names over one `Sgd` class
 * so that every option stays a number.
 */
import { Adam, AdamW } from './adam.ts';
import { constantLr, cosineLr, stepLr, withWarmup, type LrSchedule } from './lr-schedules.ts';
import type { Optimizer } from './optimizer.ts';
import { Sgd } from './sgd.ts';

/** One numeric option of a registry entry. */
export interface OptimizerOptionSpec {
  readonly description: string;
  readonly default: number;
  /** Must be an integer. */
  readonly integer?: boolean;
}

/** A registered optimizer. */
export interface OptimizerEntry {
  readonly description: string;
  readonly options: Readonly<Record<string, OptimizerOptionSpec>>;
  /** A new optimizer (defaults fill gaps). @throws RangeError on unknown names or bad values. */
  create(opts?: Readonly<Record<string, number>>): Optimizer;
}

/** A registered learning-rate schedule; every one accepts `lr` and `warmupSteps`. */
export interface LrScheduleEntry {
  readonly description: string;
  readonly options: Readonly<Record<string, OptimizerOptionSpec>>;
  /** The schedule (defaults fill gaps). @throws RangeError on unknown names or bad values. */
  create(opts?: Readonly<Record<string, number>>): LrSchedule;
}

/**
 * Fills defaults, rejects unknown names (listing the known ones) and non-integers where required.
 * @throws RangeError listing every problem together.
 */
export function resolveOptions(
  what: string,
  specs: Readonly<Record<string, OptimizerOptionSpec>>,
  opts: Readonly<Record<string, number>> = {},
): Record<string, number> {
  const errors: string[] = [];
  for (const key of Object.keys(opts)) {
    if (!Object.hasOwn(specs, key))
      errors.push(`unknown option '${key}' (known: ${Object.keys(specs).join(', ') || 'none'})`);
  }
  const out: Record<string, number> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const v = opts[key] ?? spec.default;
    if (typeof v !== 'number' || Number.isNaN(v)) errors.push(`${key} must be a number, got ${String(v)}`);
    else if (spec.integer === true && !Number.isInteger(v)) errors.push(`${key} must be an integer, got ${v}`);
    out[key] = v;
  }
  if (errors.length > 0) throw new RangeError(`${what}: ${errors.join('; ')}`);
  return out;
}

// Builds an entry whose `create` closes over its own option specs (no `this`, so it survives destructuring).
function make<T>(
  what: string,
  description: string,
  options: Record<string, OptimizerOptionSpec>,
  build: (o: Record<string, number>) => T,
): {
  description: string;
  options: Record<string, OptimizerOptionSpec>;
  create(opts?: Readonly<Record<string, number>>): T;
} {
  return { description, options, create: (opts) => build(resolveOptions(what, options, opts)) };
}

const weightDecayL2: OptimizerOptionSpec = { description: 'L2 weight decay λ, added to the gradient', default: 0 };
const momentum: OptimizerOptionSpec = { description: 'momentum μ in [0, 1)', default: 0.9 };
const adamOptions = (wd: OptimizerOptionSpec): Record<string, OptimizerOptionSpec> => ({
  beta1: { description: 'first-moment decay β₁', default: 0.9 },
  beta2: { description: 'second-moment decay β₂', default: 0.999 },
  eps: { description: 'denominator ε', default: 1e-8 },
  weightDecay: wd,
});

/** Every optimizer dtsim provides, by name (PyTorch semantics). */
export const OPTIMIZERS: Readonly<Record<string, OptimizerEntry>> = {
  sgd: make(
    'optimizer sgd',
    'plain SGD: p ← p − lr·(g + λp)',
    { weightDecay: weightDecayL2 },
    (o) => new Sgd({ weightDecay: o['weightDecay']! }),
  ),
  momentum: make(
    'optimizer momentum',
    'heavy-ball momentum (PyTorch): b ← μb + g; p ← p − lr·b',
    { momentum, weightDecay: weightDecayL2 },
    (o) => new Sgd({ momentum: o['momentum']!, weightDecay: o['weightDecay']! }),
  ),
  nesterov: make(
    'optimizer nesterov',
    'Nesterov momentum (PyTorch): b ← μb + g; p ← p − lr·(g + μb)',
    { momentum, weightDecay: weightDecayL2 },
    (o) => new Sgd({ momentum: o['momentum']!, nesterov: true, weightDecay: o['weightDecay']! }),
  ),
  adam: make(
    'optimizer adam',
    'Adam with bias correction; weight decay is L2 (coupled)',
    adamOptions(weightDecayL2),
    (o) => new Adam({ beta1: o['beta1']!, beta2: o['beta2']!, eps: o['eps']!, weightDecay: o['weightDecay']! }),
  ),
  adamw: make(
    'optimizer adamw',
    'AdamW: Adam with decoupled weight decay p ← p(1 − lr·λ)',
    adamOptions({ description: 'decoupled weight decay λ', default: 0.01 }),
    (o) => new AdamW({ beta1: o['beta1']!, beta2: o['beta2']!, eps: o['eps']!, weightDecay: o['weightDecay']! }),
  ),
};

const lr: OptimizerOptionSpec = { description: 'base learning rate', default: 0.1 };
const warmupSteps: OptimizerOptionSpec = {
  description: 'linear warm-up steps (0 = none), multiplied onto the schedule',
  default: 0,
  integer: true,
};

/** Every learning-rate schedule, by name; all compose with linear warm-up via `warmupSteps`. */
export const LR_SCHEDULES: Readonly<Record<string, LrScheduleEntry>> = {
  constant: make('lr schedule constant', 'lr(t) = lr', { lr, warmupSteps }, (o) =>
    withWarmup(constantLr(o['lr']!), o['warmupSteps']!),
  ),
  step: make(
    'lr schedule step',
    'lr(t) = lr · γ^⌊t / everySteps⌋',
    {
      lr,
      everySteps: { description: 'steps between decays', default: 1000, integer: true },
      gamma: { description: 'decay factor γ', default: 0.1 },
      warmupSteps,
    },
    (o) => withWarmup(stepLr(o['lr']!, o['everySteps']!, o['gamma']!), o['warmupSteps']!),
  ),
  cosine: make(
    'lr schedule cosine',
    'cosine annealing from lr to floor over totalSteps, then floor',
    {
      lr,
      totalSteps: { description: 'steps to reach the floor', default: 1000, integer: true },
      floor: { description: 'final learning rate', default: 0 },
      warmupSteps,
    },
    (o) => withWarmup(cosineLr(o['lr']!, o['totalSteps']!, o['floor']!), o['warmupSteps']!),
  ),
};

/** @throws RangeError listing the known names when `name` is unknown. */
export function getOptimizer(name: string): OptimizerEntry {
  const e = Object.hasOwn(OPTIMIZERS, name) ? OPTIMIZERS[name] : undefined;
  if (e === undefined)
    throw new RangeError(`unknown optimizer '${name}' (known: ${Object.keys(OPTIMIZERS).join(', ')})`);
  return e;
}

/** @throws RangeError listing the known names when `name` is unknown. */
export function getLrSchedule(name: string): LrScheduleEntry {
  const e = Object.hasOwn(LR_SCHEDULES, name) ? LR_SCHEDULES[name] : undefined;
  if (e === undefined)
    throw new RangeError(`unknown lr schedule '${name}' (known: ${Object.keys(LR_SCHEDULES).join(', ')})`);
  return e;
}
