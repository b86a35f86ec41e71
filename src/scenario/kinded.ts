/**
 * "Kinded" objects: a mapping whose `kind` picks a registry entry and whose other keys are that entry's
 * options, and the strict objects they are made of (unknown keys listed with a did-you-mean).
 */
import { z } from 'zod';
import { scenarioErrorMap } from './messages.ts';
import { unknownName } from './suggest.ts';

/**
 * A strict object: unknown keys are rejected with the allowed ones listed (and a did-you-mean), plus
 * `hint(keys)` when given, for keys that mean something elsewhere (e.g. `momentum` on plain `sgd`).
 */
export function strict<S extends z.ZodRawShape>(
  shape: S,
  hint?: (keys: readonly string[]) => string | undefined,
): z.ZodObject<S, z.core.$strict> {
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
export function kinded(
  what: string,
  variants: Readonly<Record<string, z.ZodRawShape>>,
  opts: KindedOptions = {},
): z.ZodType<{ kind: string } & Record<string, unknown>> {
  const kinds = Object.keys(variants);
  const objects = kinds.map((k) =>
    strict(
      { kind: z.literal(k), ...variants[k] },
      opts.hint === undefined ? undefined : (keys) => opts.hint?.(k, keys),
    ),
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
export function kindAndOptions<T>(v: { kind: string } & Record<string, unknown>): {
  kind: string;
  options: Record<string, T>;
} {
  const { kind, ...rest } = v;
  const options: Record<string, T> = {};
  for (const [k, x] of Object.entries(rest)) if (x !== undefined) options[k] = x as T;
  return { kind, options };
}
