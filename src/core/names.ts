/**
 * Name matching for "did you mean" messages, shared by every registry (GPUs, profiles, scenario keys).
 * Pure string code: no simulated time, so the math layers may use it too.
 */

/** Lower case with spaces, dashes, underscores and dots removed: `H100_SXM` and `h100 sxm` match. */
export function normalizeName(s: string): string {
  return s.toLowerCase().replace(/[\s_.-]+/g, '');
}

/** Levenshtein distance between `a` and `b` (insertions, deletions and substitutions cost 1). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The `count` names of `known` nearest to `name` by edit distance on normalized names, closest first;
 * ties keep the order of `known` (Array sort is stable), so messages are deterministic.
 */
export function nearestNames(name: string, known: readonly string[], count = 2): string[] {
  const key = normalizeName(name);
  return known
    .map((n) => ({ n, d: editDistance(key, normalizeName(n)) }))
    .sort((x, y) => x.d - y.d)
    .slice(0, count)
    .map((x) => x.n);
}
