/**
 * Option kinds whose values come from another registry: an `optimizer` option (OPTIMIZERS), written as
 * the scenario's own `training.optimizer` is, and a `compressor` option (COMPRESSORS, empty for now).
 */
import type { z } from 'zod';
import type { OptimizerSpec } from '../core/options.ts';
import { COMPRESSORS } from '../schedules/lib/compressors.ts';
import { OPTIMIZERS } from '../training/optimizers/registry.ts';
import { addIssue, field, numberField } from './fields.ts';
import type { SchemaContext } from './fields.ts';
import { kindAndOptions, kinded } from './kinded.ts';
import { unknownName } from './suggest.ts';

/** Keys users bring from other tools' optimizer configs, and where they belong here. */
export function optimizerHint(kind: string, keys: readonly string[]): string | undefined {
  if (keys.includes('momentum') && !Object.hasOwn(OPTIMIZERS[kind]?.options ?? {}, 'momentum')) {
    return `"${kind}" has no momentum; use kind: momentum (heavy ball) or kind: nesterov`;
  }
  if (keys.includes('lr')) return 'the base learning rate is learningRate';
  return undefined;
}

/** A schedule's optimizer takes a constant rate or none; only `training.optimizer` has a schedule. */
function optionHint(kind: string, keys: readonly string[]): string | undefined {
  if (keys.includes('lrSchedule')) {
    return (
      'an optimizer option has no lrSchedule: give a constant learningRate, ' + "or none to follow training.optimizer's"
    );
  }
  return optimizerHint(kind, keys);
}

/**
 * An `optimizer` option: `{ kind, <its options>, learningRate? }` as `training.optimizer` is written
 * (no lrSchedule). A missing mapping or kind means `def`'s kind; options missing under `def`'s kind
 * come from `def` (learning rate included), under another kind from the registry, which starts afresh.
 * Values are numbers (or formulas), and the optimizer's own range checks run here, at their path.
 * @throws Error when `def` itself names an unknown optimizer or option (a registry bug, not a user's).
 */
export function optimizerField(def: OptimizerSpec, sctx: SchemaContext): z.ZodType<OptimizerSpec> {
  const entry = OPTIMIZERS[def.kind];
  const badKeys = Object.keys(def.options).filter((k) => !Object.hasOwn(entry?.options ?? {}, k));
  if (entry === undefined || badKeys.length > 0) {
    const why =
      entry === undefined
        ? unknownName('optimizer', def.kind, Object.keys(OPTIMIZERS))
        : `"${def.kind}" has no ${badKeys.join(', ')}`;
    throw new Error(`an optimizer option's default is invalid: ${why}`);
  }
  const variants: Record<string, z.ZodRawShape> = {};
  for (const [name, e] of Object.entries(OPTIMIZERS)) {
    const own = name === def.kind ? def : undefined;
    const shape: Record<string, z.ZodType> = {};
    for (const [k, o] of Object.entries(e.options)) {
      const integer = o.integer === true ? { integer: true } : {};
      shape[k] = numberField({ default: own?.options[k] ?? o.default, ...integer }, sctx);
    }
    const lr = own?.lr === undefined ? {} : { default: own.lr };
    shape['learningRate'] = numberField({ greaterThan: 0, ...lr }, sctx);
    variants[name] = shape;
  }
  return kinded('optimizer', variants, { default: def.kind, hint: optionHint }).transform((v, ctx): OptimizerSpec => {
    const { kind, options } = kindAndOptions<number>(v);
    const { learningRate, ...own } = options;
    // The factory checks ranges the descriptors do not state (momentum in [0, 1)); it only stores
    // numbers, so calling it costs nothing. "momentum must be ...": point at that option.
    try {
      OPTIMIZERS[kind]?.create(own);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      const key = /^(\w+) must /.exec(err.message)?.[1];
      const named = key !== undefined && Object.hasOwn(own, key);
      addIssue(ctx, named ? own[key] : v, err.message, named ? [key] : []);
    }
    return learningRate === undefined ? { kind, options: own } : { kind, lr: learningRate, options: own };
  });
}

/**
 * A `compressor` option: a name from COMPRESSORS; missing: `def`.
 * @throws Error when `def` is not registered (so, while COMPRESSORS is empty, for any such option).
 */
export function compressorField(def: string): z.ZodType<string> {
  const known = Object.keys(COMPRESSORS);
  if (!Object.hasOwn(COMPRESSORS, def)) {
    const registered = known.join(', ') || 'none yet';
    throw new Error(`a compressor option's default "${def}" is not in COMPRESSORS (registered: ${registered})`);
  }
  return field((v, ctx): string => {
    if (v === undefined) return def;
    if (typeof v !== 'string' || !Object.hasOwn(COMPRESSORS, v)) addIssue(ctx, v, unknownName('compressor', v, known));
    return typeof v === 'string' ? v : def;
  });
}
