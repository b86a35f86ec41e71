/**
 * "Did you mean" for unknown names and keys: the known names closest to a typo by edit distance,
 * ignoring case and separators, so `a100_80gb` finds `A100-80GB` and `sync_allreduce` finds `sync-allreduce`.
 */

import { editDistance, normalizeName as normalize } from '../core/names.ts';

export { editDistance };

/**
 * Known names close enough to `name` to be a likely typo (distance at most a third of the longer name,
 * at least 2 edits allowed, or the start of a known name), those first, then closest first, at most `count`.
 */
export function closestNames(name: string, known: readonly string[], count = 2): string[] {
  const key = normalize(name);
  return (
    known
      .map((k) => {
        const nk = normalize(k);
        const d = editDistance(key, nk);
        const prefix = key.length >= 3 && nk.startsWith(key);
        const near = prefix || d <= Math.max(2, Math.floor(Math.max(key.length, nk.length) / 3));
        return { k, d, prefix, near };
      })
      .filter((x) => x.near)
      // A name the typo begins (h100 → H100-SXM) beats one a letter away (h100 → H200).
      .sort((x, y) => Number(y.prefix) - Number(x.prefix) || x.d - y.d)
      .slice(0, count)
      .map((x) => x.k)
  );
}

/** ` (did you mean "x"?)` for the closest known names, or '' when none is close. */
export function didYouMean(name: string, known: readonly string[]): string {
  const near = closestNames(name, known);
  return near.length === 0 ? '' : ` (did you mean ${near.map((n) => JSON.stringify(n)).join(' or ')}?)`;
}

/** `unknown <what> "name" (did you mean ...?); known: a, b, c`. */
export function unknownName(what: string, name: unknown, known: readonly string[]): string {
  const shown = typeof name === 'string' ? JSON.stringify(name) : String(name);
  const hint = typeof name === 'string' ? didYouMean(name, known) : '';
  return `unknown ${what} ${shown}${hint}; known: ${known.join(', ')}`;
}
