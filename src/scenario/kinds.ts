/**
 * Builds zod schemas from the registries' option descriptors, and "kinded" objects: a mapping whose
 * `kind` picks a registry entry and whose other keys are that entry's options. Registries describe
 * options in four slightly different shapes (the shared descriptors of schedules and stragglers, datasets, optimizers, topologies);
 * each is mapped onto one `FieldSpec` here so that validation is written once.
 */
import { z } from 'zod';
import type { CollectiveOp } from '../collectives/types.ts';
import type { TopologyOptionInfo } from '../network/topologies.ts';
import type { OptionSpec } from '../core/options.ts';
import type { DatasetOptionSpec } from '../training/datasets/registry.ts';
import type { OptimizerOptionSpec } from '../training/optimizers/registry.ts';
import { collectiveField, fileField, linkSchema, numberField, quantityField } from './fields.ts';
import type { NumberConstraints, SchemaContext } from './fields.ts';
import { scenarioErrorMap } from './messages.ts';
import type { QuantityDimension } from './quantity.ts';
import { unknownName } from './suggest.ts';

/** One option, whatever registry it came from. */
export type FieldSpec =
  | ({ readonly type: 'number' } & NumberConstraints)
  | { readonly type: 'quantity'; readonly dimension: QuantityDimension; readonly default?: string; readonly required?: boolean }
  | { readonly type: 'boolean'; readonly default?: boolean }
  | { readonly type: 'enum'; readonly values: readonly string[]; readonly default?: string }
  | { readonly type: 'collective'; readonly op: CollectiveOp; readonly default?: string }
  | { readonly type: 'link'; readonly required?: boolean }
  | { readonly type: 'file'; readonly required?: boolean; readonly check?: (text: string, path: string) => void };

/**
 * A shared option descriptor (core/options.ts: schedules, stragglers). A `file` option gets `check`,
 * which validates the file's text when the scenario is read.
 */
export function fromOptionSpec(s: OptionSpec, check?: (text: string, path: string) => void): FieldSpec {
  if (s.type === 'file') return { type: 'file', required: true, ...(check === undefined ? {} : { check }) };
  return s;
}

/** A dataset option: a number with a default, optional integer, min, max and exclusive max. */
export function fromDatasetOption(s: DatasetOptionSpec): FieldSpec {
  return {
    type: 'number',
    default: s.default,
    ...(s.integer === true ? { integer: true } : {}),
    ...(s.min === undefined ? {} : { min: s.min }),
    ...(s.maxExclusive === undefined ? {} : { lessThan: s.maxExclusive }),
    ...(s.max === undefined ? {} : { max: s.max }),
  };
}

/** An optimizer or learning-rate-schedule option: a number with a default. */
export function fromOptimizerOption(s: OptimizerOptionSpec): FieldSpec {
  return { type: 'number', default: s.default, ...(s.integer === true ? { integer: true } : {}) };
}

/** A topology option: integers are counts (>= 1); links are `{ bandwidth, latency }`. */
export function fromTopologyOption(s: TopologyOptionInfo): FieldSpec {
  if (s.type === 'link') return { type: 'link', required: s.required };
  return s.type === 'integer' ? { type: 'number', integer: true, min: 1, required: s.required } : { type: 'number', greaterThan: 0, required: s.required };
}

/** The zod schema of one option. */
export function fieldSchema(spec: FieldSpec, sctx: SchemaContext): z.ZodType {
  switch (spec.type) {
    case 'number':
      return numberField(spec, sctx);
    case 'quantity':
      return quantityField(spec.dimension, {
        ...(spec.default === undefined ? {} : { default: spec.default }),
        ...(spec.required === true ? { required: true } : {}),
      });
    case 'boolean':
      return spec.default === undefined ? z.boolean().optional() : z.boolean().default(spec.default);
    case 'enum': {
      const e = z.enum(spec.values as [string, ...string[]]);
      return spec.default === undefined ? e.optional() : e.default(spec.default);
    }
    case 'collective':
      return collectiveField(spec.op, spec.default);
    case 'link':
      return spec.required === true ? linkSchema() : linkSchema().optional();
    case 'file':
      return fileField(sctx, spec.check);
  }
}

/** The zod shape of a set of options. */
export function optionsShape(specs: Readonly<Record<string, FieldSpec>>, sctx: SchemaContext): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const [k, s] of Object.entries(specs)) shape[k] = fieldSchema(s, sctx);
  return shape;
}

/**
 * A strict object: unknown keys are rejected with the allowed ones listed (and a did-you-mean), plus
 * `hint(keys)` when given, for keys that mean something elsewhere (e.g. `momentum` on plain `sgd`).
 */
export function strict<S extends z.ZodRawShape>(shape: S, hint?: (keys: readonly string[]) => string | undefined): z.ZodObject<S, z.core.$strict> {
  if (hint === undefined) return z.strictObject(shape);
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code !== 'unrecognized_keys') return undefined;
      const base = scenarioErrorMap(iss);
      const extra = hint(iss.keys);
      const text = typeof base === 'string' ? base : (base?.message ?? 'unknown keys');
      return extra === undefined ? text : `${text}; ${extra}`;
    },
  });
}

/** Options of `kinded`. */
export interface KindedOptions {
  /** The kind used when `kind` is absent; without one, `kind` is required. */
  readonly default?: string;
  /** Extra words for unknown keys of a kind. */
  readonly hint?: (kind: string, keys: readonly string[]) => string | undefined;
}

/**
 * A mapping `{ kind, ...options }` where `kind` picks one of `variants` (each the shape of that kind's
 * options). An unknown kind is reported at `kind` with the known ones and a did-you-mean; each kind's
 * object is strict. A missing mapping means `{}` (so the default kind with its default options).
 */
export function kinded(what: string, variants: Readonly<Record<string, z.ZodRawShape>>, opts: KindedOptions = {}): z.ZodType<{ kind: string } & Record<string, unknown>> {
  const kinds = Object.keys(variants);
  const objects = kinds.map((k) =>
    strict({ kind: z.literal(k), ...variants[k] }, opts.hint === undefined ? undefined : (keys) => opts.hint?.(k, keys)),
  );
  const union = z.discriminatedUnion('kind', objects as unknown as [z.ZodObject, ...z.ZodObject[]], {
    error: (iss) => {
      if (iss.code !== 'invalid_union') return undefined;
      const kind = (iss.input as { kind?: unknown } | undefined)?.kind;
      return kind === undefined ? `missing kind; expected one of ${kinds.join(', ')}` : unknownName(what, kind, kinds);
    },
  });
  return z
    .unknown()
    .optional()
    .transform((v) => {
      const o = v === undefined ? {} : v;
      if (opts.default === undefined || typeof o !== 'object' || o === null || Array.isArray(o)) return o;
      return 'kind' in o ? o : { ...o, kind: opts.default };
    })
    .pipe(union) as unknown as z.ZodType<{ kind: string } & Record<string, unknown>>;
}

/** Splits a kinded value into `{ kind, options }`, dropping absent options. */
export function kindAndOptions<T>(v: { kind: string } & Record<string, unknown>): { kind: string; options: Record<string, T> } {
  const { kind, ...rest } = v;
  const options: Record<string, T> = {};
  for (const [k, x] of Object.entries(rest)) if (x !== undefined) options[k] = x as T;
  return { kind, options };
}
