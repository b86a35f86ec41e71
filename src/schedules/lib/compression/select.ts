/**
 * Top-k selection in O(n) average time: the k-th largest magnitude by quickselect on a copy, then
 * one pass that keeps every value above it and, among ties at it, the lowest indices, so the chosen
 * support is a deterministic function of the input.
 */

/** The k-th largest value of `a` (1 ≤ k ≤ a.length), reordering `a`. NaN must not occur. */
export function kthLargest(a: Float64Array, k: number): number {
  // The (n − k)-th smallest, by Hoare partitioning around the middle element (deterministic).
  let lo = 0;
  let hi = a.length - 1;
  const target = a.length - k;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target]!;
  }
  return a[target]!;
}

/**
 * Indices of the k largest |x| (NaN counted as infinitely large, so divergence stays visible), ties
 * broken by lower index, in increasing index order.
 */
export function topKIndices(x: Float32Array, k: number): Int32Array {
  const n = x.length;
  const out = new Int32Array(k);
  if (k === 0) return out;
  if (k >= n) {
    for (let i = 0; i < n; i++) out[i] = i;
    return out;
  }
  const mag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = Math.abs(x[i]!);
    mag[i] = v === v ? v : Infinity;
  }
  const threshold = kthLargest(mag, k);
  let above = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.abs(x[i]!);
    if ((v === v ? v : Infinity) > threshold) above++;
  }
  let ties = k - above;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(x[i]!);
    const v = a === a ? a : Infinity;
    if (v > threshold || (v === threshold && ties-- > 0)) out[m++] = i;
  }
  return out;
}
