/**
 * Option kinds whose values come from another registry: an `optimizer` option (OPTIMIZERS), written as
 * the scenario's own `training.optimizer` is, and a `compressor` option (COMPRESSORS).
 */
import { z } from 'zod';
import type { CompressorSpec, OptimizerSpec } from '../core/options.ts';
import { COMPRESSORS, type CompressorEntry } from '../schedules/lib/compressors.ts';
import { OPTIMIZERS } from '../training/optimizers/registry.ts';
import { addIssue, field, numberField } from './fields.ts';
import type { SchemaContext } from './fields.ts';
import { kindAndOptions, kinded, strict } from './kinded.ts';
import { scenarioErrorMap } from './messages.ts';
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

// Parsed inside a field: the scenario's messages, with the input reported as the loader does.
const PARSE = { error: scenarioErrorMap, reportInput: true } as const;

/** What each compressor's Accordion level is: the option that sets how hard it compresses. */
function levelOf(kind: string): string | undefined {
  return COMPRESSORS[kind]?.level;
}

/** The zod shape of one compressor's options (numbers with bounds and defaults, booleans). */
function compressorShape(entry: CompressorEntry, sctx: SchemaContext, omit?: string): z.ZodRawShape {
  const shape: Record<string, z.ZodType> = {};
  for (const [k, o] of Object.entries(entry.options)) {
    if (k === omit) continue;
    if (o.type === 'boolean') {
      shape[k] = z.boolean().default(o.default as boolean);
      continue;
    }
    shape[k] = numberField(
      {
        default: o.default as number,
        ...(o.type === 'integer' ? { integer: true } : {}),
        ...(o.min === undefined ? {} : { min: o.min }),
        ...(o.max === undefined ? {} : { max: o.max }),
        ...(o.greaterThan === undefined ? {} : { greaterThan: o.greaterThan }),
      },
      sctx,
    );
  }
  return shape;
}

/**
 * A `compressor` option: absent (no compression), a COMPRESSORS name, `{ kind, <its options> }`, or
 * Accordion: `{ kind: accordion, compressor: <name or { kind, options }>, low, high, everyEpochs?,
 * threshold? }`, where low and high are values of that compressor's level option (`rank`, `ratio`).
 * Each level is checked as the compressor's own option would be.
 */
export function compressorField(sctx: SchemaContext): z.ZodType<CompressorSpec | undefined> {
  const names = Object.keys(COMPRESSORS);
  const plain = (omit?: string): Record<string, z.ZodRawShape> => {
    const variants: Record<string, z.ZodRawShape> = {};
    for (const [name, e] of Object.entries(COMPRESSORS)) variants[name] = compressorShape(e, sctx, omit);
    return variants;
  };
  const one = kinded('compressor', plain());
  const accordion = strict({
    kind: z.literal('accordion'),
    compressor: z.unknown(),
    low: numberField({ required: true }, sctx),
    high: numberField({ required: true }, sctx),
    everyEpochs: numberField({ default: 10, greaterThan: 0 }, sctx),
    threshold: numberField({ default: 0.5, greaterThan: 0 }, sctx),
  });
  return field((v, ctx): CompressorSpec | undefined => {
    if (v === undefined) return undefined;
    const input = typeof v === 'string' ? { kind: v } : v;
    const kind = (input as { kind?: unknown } | null)?.kind;
    if (kind !== 'accordion') {
      const r = one.safeParse(input, PARSE);
      if (!r.success) {
        for (const iss of r.error.issues) addIssue(ctx, v, iss.message, iss.path);
        return undefined;
      }
      const { kind: k, options } = kindAndOptions<number | boolean>(r.data);
      return { kind: k, options };
    }
    const a = accordion.safeParse(input, PARSE);
    if (!a.success) {
      for (const iss of a.error.issues) addIssue(ctx, v, iss.message, iss.path);
      return undefined;
    }
    const inner = typeof a.data.compressor === 'string' ? { kind: a.data.compressor } : a.data.compressor;
    const b = one.safeParse(inner, PARSE);
    if (!b.success) {
      for (const iss of b.error.issues) addIssue(ctx, v, iss.message, ['compressor', ...iss.path]);
      return undefined;
    }
    const { kind: k, options } = kindAndOptions<number | boolean>(b.data);
    const level = levelOf(k);
    if (level === undefined) {
      const leveled = names.filter((n) => levelOf(n) !== undefined).join(', ');
      addIssue(
        ctx,
        k,
        `accordion switches between two levels of a compressor that has them (${leveled}); "${k}" has none`,
        ['compressor'],
      );
      return undefined;
    }
    // Each level must be a value the compressor itself accepts.
    const levelShape = compressorShape(COMPRESSORS[k]!, sctx)[level] as z.ZodType;
    for (const which of ['low', 'high'] as const) {
      const r = levelShape.safeParse(a.data[which], PARSE);
      if (!r.success)
        addIssue(ctx, a.data[which], `${which} is a value of ${k}'s ${level}: ${r.error.issues[0]?.message ?? ''}`, [
          which,
        ]);
    }
    return {
      kind: k,
      options,
      accordion: {
        level,
        low: a.data.low!,
        high: a.data.high!,
        everyEpochs: a.data.everyEpochs!,
        threshold: a.data.threshold!,
      },
    };
  });
}
