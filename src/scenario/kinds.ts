/**
 * Builds zod schemas from the registries' option descriptors. Registries describe options in four
 * slightly different shapes (the shared descriptors of schedules and stragglers, datasets, optimizers,
 * topologies); each is mapped onto one `FieldSpec` here so that validation is written once. "Kinded"
 * objects (`{ kind, ...options }`) are built in kinded.ts and re-exported here.
 */
import { z } from 'zod';
import type { CollectiveOp } from '../collectives/types.ts';
import type { TopologyOptionInfo } from '../network/topologies.ts';
import type { OptimizerSpec, OptionSpec } from '../core/options.ts';
import type { DatasetOptionSpec } from '../training/datasets/registry.ts';
import type { OptimizerOptionSpec } from '../training/optimizers/registry.ts';
import { collectiveField, fileField, linkSchema, numberField, quantityField } from './fields.ts';
import type { NumberConstraints, SchemaContext } from './fields.ts';
import { compressorField, optimizerField } from './option-kinds.ts';
import type { QuantityDimension } from './quantity.ts';

export { kindAndOptions, kinded, strict, type KindedOptions } from './kinded.ts';

/** One option, whatever registry it came from. */
export type FieldSpec =
  | ({ readonly type: 'number' } & NumberConstraints)
  | {
      readonly type: 'quantity';
      readonly dimension: QuantityDimension;
      readonly default?: string;
      readonly required?: boolean;
      readonly greaterThan?: number;
    }
  | { readonly type: 'boolean'; readonly default?: boolean }
  | { readonly type: 'enum'; readonly values: readonly string[]; readonly default?: string }
  | { readonly type: 'collective'; readonly op: CollectiveOp; readonly default?: string }
  | { readonly type: 'link'; readonly required?: boolean }
  | { readonly type: 'file'; readonly required?: boolean; readonly check?: (text: string, path: string) => void }
  | { readonly type: 'optimizer'; readonly default: OptimizerSpec }
  | { readonly type: 'compressor' };

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
  return s.type === 'integer'
    ? { type: 'number', integer: true, min: 1, required: s.required }
    : { type: 'number', greaterThan: 0, required: s.required };
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
        ...(spec.greaterThan === undefined ? {} : { greaterThan: spec.greaterThan }),
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
    case 'optimizer':
      return optimizerField(spec.default, sctx);
    case 'compressor':
      return compressorField(sctx);
  }
}

/** The zod shape of a set of options. */
export function optionsShape(
  specs: Readonly<Record<string, FieldSpec>>,
  sctx: SchemaContext,
): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const [k, s] of Object.entries(specs)) shape[k] = fieldSchema(s, sctx);
  return shape;
}
