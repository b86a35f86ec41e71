/**
 * The wording of scenario errors. zod's default messages ("Invalid input: expected number, received
 * string") say neither the bad value nor what is allowed in scenario terms, so every parse passes this
 * error map: each message reads `got <value>; expected <what is allowed>`. The file, line, column and
 * path are added when issues are collected (errors.ts).
 */
import type { z } from 'zod';
import { didYouMean } from './suggest.ts';

/** A value as a message shows it: strings quoted, short lists and mappings inline, long ones cut. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object' || v === null) return String(v);
  let s: string;
  try {
    s = JSON.stringify(v);
  } catch {
    s = Array.isArray(v) ? 'a list' : 'a mapping';
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
  record: 'a mapping (key: value)',
  nonoptional: 'a value',
};

function bound(
  kind: 'min' | 'max',
  iss: { minimum?: unknown; maximum?: unknown; inclusive?: boolean; origin?: string },
  isInt: boolean,
): string {
  const limit = kind === 'min' ? iss.minimum : iss.maximum;
  const op = kind === 'min' ? (iss.inclusive === false ? '>' : '>=') : iss.inclusive === false ? '<' : '<=';
  if (iss.origin === 'array' || iss.origin === 'set')
    return `${kind === 'min' ? 'at least' : 'at most'} ${String(limit)} item(s)`;
  if (iss.origin === 'string')
    return kind === 'min' && limit === 1 ? 'a non-empty string' : `a string of ${op} ${String(limit)} characters`;
  return `${isInt ? 'an integer' : 'a number'} ${op} ${String(limit)}`;
}

/** The keys an object schema allows, read from the failing schema instance. */
function allowedKeys(inst: unknown): string[] {
  const shape = (inst as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape === undefined ? [] : Object.keys(shape);
}

/**
 * The error map every scenario parse uses. Custom issues keep their own message.
 */
export const scenarioErrorMap: z.core.$ZodErrorMap = (iss) => {
  const got = `got ${describeValue(iss.input)}`;
  const isInt = (iss.inst as { format?: string } | undefined)?.format?.includes('int') === true;
  switch (iss.code) {
    case 'invalid_type': {
      const expected = TYPE_NAMES[iss.expected] ?? iss.expected;
      return iss.input === undefined ? `missing; expected ${expected}` : `${got}; expected ${expected}`;
    }
    case 'invalid_value': {
      const values = iss.values.map((v) => (typeof v === 'string' ? v : String(v)));
      const hint = typeof iss.input === 'string' ? didYouMean(iss.input, values) : '';
      if (iss.input === undefined)
        return `missing; expected ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}`;
      return `${got}${hint}; expected ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}`;
    }
    case 'unrecognized_keys': {
      const allowed = allowedKeys(iss.inst);
      const keys = iss.keys.map((k) => `"${k}"${didYouMean(k, allowed)}`);
      return `unknown key${keys.length > 1 ? 's' : ''} ${keys.join(', ')}; allowed: ${allowed.join(', ') || '(none)'}`;
    }
    case 'too_small':
      return `${got}; expected ${bound('min', iss, isInt)}`;
    case 'too_big':
      return `${got}; expected ${bound('max', iss, isInt)}`;
    case 'not_multiple_of':
      return `${got}; expected a multiple of ${String(iss.divisor)}`;
    case 'invalid_format':
      return `${got}; expected ${iss.format}`;
    case 'invalid_union':
      return `${got}; expected one of the forms this key allows`;
    default:
      return undefined;
  }
};
