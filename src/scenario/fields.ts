/**
 * Leaf validators of the scenario schema: numbers that may be formulas, quantities with units, links,
 * collective names and files. Each is a zod schema built around one transform, so that defaults, formula
 * evaluation and bound checks happen in one place and report through zod with the right path.
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { COLLECTIVES } from '../collectives/registry.ts';
import type { CollectiveOp } from '../collectives/types.ts';
import { bytesPerSecond, seconds } from '../core/units.ts';
import type { LinkSpec, NicSpec } from '../hardware/link-spec.ts';
import { FormulaError, describeScope, parseFormula } from './formula.ts';
import type { FormulaScope } from './formula.ts';
import { describeValue } from './messages.ts';
import type { ClusterLayout } from './rank-lists.ts';
import { DIMENSIONS, QuantityError, parseQuantity } from './quantity.ts';
import type { QuantityDimension } from './quantity.ts';
import { unknownName } from './suggest.ts';

/** What the schema needs beyond the file's own text. */
export interface SchemaContext {
  /** The run's shape, when the cluster block could be read; without it formulas are only checked. */
  readonly shape?: FormulaScope | undefined;
  /** The run's node groups, when they could be read: straggler `nodes` and ranges are checked against it. */
  readonly layout?: ClusterLayout | undefined;
  /** Folder of the scenario file: relative paths (straggler traces) resolve against it. */
  readonly baseDir: string;
  /** Reads a text file (tests pass a fake). @throws on a missing or too large file. */
  readonly readFile: (path: string) => string;
  /**
   * Results shared by the sweep points of one load (files checked, clusters built), keyed by what
   * they were computed from. Absent: nothing is shared.
   */
  readonly memo?: Map<string, unknown>;
}

/**
 * `compute()`, or its result for the same `key` earlier in this load (`sctx.memo`). Only for pure
 * functions of what the key names.
 */
export function memoized<T>(sctx: SchemaContext, key: string, compute: () => T): T {
  if (sctx.memo === undefined) return compute();
  if (sctx.memo.has(key)) return sctx.memo.get(key) as T;
  const v = compute();
  sctx.memo.set(key, v);
  return v;
}

type Ctx = z.core.$RefinementCtx;

/** Adds a custom issue at the current path (or below it, with `path`). */
export function addIssue(ctx: Ctx, input: unknown, message: string, path: readonly PropertyKey[] = []): void {
  ctx.addIssue({ code: 'custom', message, input, path: [...path] });
}

/** A field whose whole logic is `fn`; it also sees `undefined` for a missing key (to fill defaults). */
export function field<T>(fn: (v: unknown, ctx: Ctx) => T): z.ZodType<T> {
  return z
    .unknown()
    .optional()
    .transform((v, ctx) => fn(v, ctx)) as unknown as z.ZodType<T>;
}

// Fields that never take formulas need no context; a formula there is rejected before it is read.
const NO_FORMULAS: SchemaContext = { baseDir: '.', readFile: () => '' };

/** An integer field without formulas (counts, list items): `def` fills a missing key; without one it is optional. */
export function intField(min: number, def: number): z.ZodType<number>;
export function intField(min: number): z.ZodType<number | undefined>;
export function intField(min: number, def?: number): z.ZodType<number | undefined> {
  return numberField({ integer: true, min, formula: false, ...(def === undefined ? {} : { default: def }) });
}

/** Constraints of a plain number option. */
export interface NumberConstraints {
  readonly default?: number;
  readonly required?: boolean;
  readonly integer?: boolean;
  /** Inclusive bounds. */
  readonly min?: number;
  readonly max?: number;
  /** Exclusive bounds. */
  readonly greaterThan?: number;
  readonly lessThan?: number;
  /** Whether a formula string is accepted (default true). */
  readonly formula?: boolean;
}

/** `an integer >= 1 and <= 8`, for messages and listings. */
export function describeNumber(c: NumberConstraints): string {
  const parts: string[] = [];
  if (c.min !== undefined) parts.push(`>= ${c.min}`);
  if (c.greaterThan !== undefined) parts.push(`> ${c.greaterThan}`);
  if (c.max !== undefined) parts.push(`<= ${c.max}`);
  if (c.lessThan !== undefined) parts.push(`< ${c.lessThan}`);
  return `${c.integer === true ? 'an integer' : 'a number'}${parts.length > 0 ? ` ${parts.join(' and ')}` : ''}`;
}

function inBounds(v: number, c: NumberConstraints): boolean {
  return (
    (c.min === undefined || v >= c.min) &&
    (c.greaterThan === undefined || v > c.greaterThan) &&
    (c.max === undefined || v <= c.max) &&
    (c.lessThan === undefined || v < c.lessThan)
  );
}

/**
 * A number, or (unless `formula: false`) a formula string over the run's shape. Missing: the default,
 * else an issue when required, else `undefined`. A formula's result within 1e-9 of an integer counts
 * as that integer where one is needed.
 */
export function numberField(c: NumberConstraints, sctx: SchemaContext = NO_FORMULAS): z.ZodType<number | undefined> {
  const expected = describeNumber(c);
  return field((v, ctx): number | undefined => {
    if (v === undefined) {
      if (c.default !== undefined) return c.default;
      if (c.required === true) addIssue(ctx, v, `missing; expected ${expected}`);
      return undefined;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v) || (c.integer === true && !Number.isInteger(v)) || !inBounds(v, c)) {
        addIssue(ctx, v, `got ${describeValue(v)}; expected ${expected}`);
      } else if (c.integer === true && !Number.isSafeInteger(v)) {
        // 1e300 is an integer to JavaScript, but counts above 2^53 cannot be counted exactly.
        addIssue(
          ctx,
          v,
          `got ${describeValue(v)}; expected ${expected} and at most ${Number.MAX_SAFE_INTEGER} (2^53 − 1)`,
        );
      }
      return v;
    }
    if (typeof v !== 'string' || c.formula === false) {
      addIssue(
        ctx,
        v,
        `got ${describeValue(v)}; expected ${expected}${c.formula === false ? '' : ' or a formula such as "0.05 * workers / 8"'}`,
      );
      return undefined;
    }
    try {
      const f = parseFormula(v);
      if (sctx.shape === undefined) return undefined; // the cluster has its own errors; nothing to evaluate with
      let x = f.evaluate(sctx.shape);
      const r = Math.round(x);
      if (c.integer === true && Math.abs(x - r) <= 1e-9 * Math.max(1, Math.abs(x))) x = r;
      if ((c.integer === true && !Number.isSafeInteger(x)) || !inBounds(x, c)) {
        addIssue(
          ctx,
          v,
          `formula ${JSON.stringify(v)} gives ${x} with ${describeScope(sctx.shape, f.uses)}; expected ${expected}`,
        );
      }
      return x;
    } catch (err) {
      if (!(err instanceof FormulaError)) throw err;
      addIssue(ctx, v, err.message);
      return undefined;
    }
  });
}

/** Options of `quantityField`. */
export interface QuantityOptions {
  /** As a scenario writes it (`"25 MB"`). */
  readonly default?: string;
  readonly required?: boolean;
  /** Exclusive lower bound, in SI base units. */
  readonly greaterThan?: number;
}

/** A quantity with a unit, in SI base units; missing: the default (parsed), an issue, or `undefined`. */
export function quantityField(dimension: QuantityDimension, opts: QuantityOptions = {}): z.ZodType<number | undefined> {
  return field((v, ctx): number | undefined => {
    if (v === undefined) {
      if (opts.default !== undefined) return parseQuantity(opts.default, dimension);
      if (opts.required === true)
        addIssue(ctx, v, `missing; expected ${dimension === 'duration' ? 'a duration' : `a ${dimension}`} with a unit`);
      return undefined;
    }
    try {
      const x = parseQuantity(v, dimension);
      const g = opts.greaterThan;
      const info = DIMENSIONS[dimension];
      if (g !== undefined && !(x > g)) {
        addIssue(ctx, v, `got ${describeValue(v)}; expected ${info.name} > ${g} ${info.ref}`);
      }
      return x;
    } catch (err) {
      if (!(err instanceof QuantityError)) throw err;
      addIssue(ctx, v, err.message);
      return undefined;
    }
  });
}

/** A collective algorithm name that implements `op`, or `auto` (NCCL's tuner: collectives/tuner.ts). */
export function collectiveField(op: CollectiveOp, def?: string): z.ZodType<string | undefined> {
  const able = [
    'auto',
    ...Object.values(COLLECTIVES)
      .filter((a) => a.ops.includes(op))
      .map((a) => a.name),
  ];
  return field((v, ctx): string | undefined => {
    if (v === undefined) return def;
    if (v === 'auto') return v;
    if (typeof v !== 'string' || !Object.hasOwn(COLLECTIVES, v)) {
      addIssue(ctx, v, unknownName(`collective algorithm for ${op}`, v, able));
    } else if (!able.includes(v)) {
      addIssue(
        ctx,
        v,
        `collective algorithm "${v}" does not implement ${op}; algorithms for ${op}: ${able.join(', ')}`,
      );
    }
    return typeof v === 'string' ? v : undefined;
  });
}

const LINK_KINDS = ['nvlink', 'pcie', 'infiniband', 'ethernet', 'custom'] as const;

/**
 * A link `{ bandwidth, latency, kind? }`. With `base`, missing fields come from it (a NIC that gives only
 * its bandwidth keeps the default latency); without, both are required.
 */
export function linkSchema(base?: LinkSpec): z.ZodType<LinkSpec> {
  return z
    .strictObject({
      bandwidth: quantityField('bandwidth', { required: base === undefined }),
      latency: quantityField('duration', { required: base === undefined }),
      kind: z.enum(LINK_KINDS).optional(),
    })
    .transform((o): LinkSpec => {
      const bandwidth = bytesPerSecond(o.bandwidth ?? base?.bandwidth ?? 1);
      const latency = seconds(o.latency ?? base?.latency ?? 0);
      return o.kind === undefined ? { bandwidth, latency } : { bandwidth, latency, kind: o.kind };
    }) as unknown as z.ZodType<LinkSpec>;
}

/**
 * A node's NICs `{ count?, bandwidth, latency, kind? }`: a link (as `linkSchema`, `bandwidth` per NIC)
 * plus how many identical NICs the node has, an integer >= 1 (default 1). `count` is kept only when
 * given, so a file without it resolves to exactly the spec it always did. Whether the count fits the
 * node's GPUs is checked when the cluster is built (it needs `gpusPerNode`), under `nic.count`.
 */
export function nicSchema(base?: LinkSpec): z.ZodType<NicSpec> {
  return z
    .strictObject({
      count: numberField({ integer: true, min: 1, formula: false }),
      bandwidth: quantityField('bandwidth', { required: base === undefined }),
      latency: quantityField('duration', { required: base === undefined }),
      kind: z.enum(LINK_KINDS).optional(),
    })
    .transform((o): NicSpec => {
      const bandwidth = bytesPerSecond(o.bandwidth ?? base?.bandwidth ?? 1);
      const latency = seconds(o.latency ?? base?.latency ?? 0);
      const link: LinkSpec = o.kind === undefined ? { bandwidth, latency } : { bandwidth, latency, kind: o.kind };
      return o.count === undefined ? link : { ...link, count: o.count };
    }) as unknown as z.ZodType<NicSpec>;
}

/** A file path relative to the scenario file: returns the resolved path and the file's text. */
export function fileField(
  sctx: SchemaContext,
  check?: (text: string, path: string) => void,
): z.ZodType<{ path: string; text: string } | undefined> {
  return field((v, ctx) => {
    if (typeof v !== 'string' || v.trim() === '') {
      addIssue(
        ctx,
        v,
        `${v === undefined ? 'missing' : `got ${describeValue(v)}`}; expected a file path, relative to the scenario file`,
      );
      return undefined;
    }
    const path = isAbsolute(v) ? v : resolve(sctx.baseDir, v);
    // Read and checked once per load: every sweep point names the same file.
    const r = memoized(sctx, `file:${path}`, (): { text: string } | { error: string } => {
      let text: string;
      try {
        text = sctx.readFile(path);
      } catch (err) {
        return { error: `cannot read ${path}: ${err instanceof Error ? err.message : String(err)}` };
      }
      try {
        check?.(text, path);
      } catch (err) {
        return { error: err instanceof Error ? err.message : String(err) };
      }
      return { text };
    });
    if ('error' in r) {
      addIssue(ctx, v, r.error);
      return undefined;
    }
    return { path, text: r.text };
  });
}

/** Drops keys whose value is `undefined` (exactOptionalPropertyTypes: absent, not undefined). */
export function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}
