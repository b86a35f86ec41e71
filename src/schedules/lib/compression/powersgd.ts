/**
 * PowerSGD (Vogels, Karimireddy, Jaggi, NeurIPS 2019; spec §20.2), as PyTorch's `powerSGD_hook`
 * computes it. Per tensor viewed as a rows × cols matrix M (the worker's error-corrected gradient):
 *
 *   P = M·Q;  P ← mean over workers;  P̂ = orthonormalise(P)      (Gram–Schmidt, column by column)
 *   Q = Mᵀ·P̂;  Q ← mean over workers;  Ĝ = P̂·Qᵀ                 (identical on every worker)
 *
 * Two all-reduces (P, then Q), so `rounds = 2`. Every worker's message decodes to Ĝ, so the driver's
 * residual is M − Ĝ: against the AGGREGATE, as the paper and the hook compute it. Q is drawn from a
 * seeded normal stream at a tensor's first step and, with `warmStart`, reused (the all-reduced Q) at
 * the next step, one Q per tensor index. Vectors, and matrices where
 * (rows + cols)·r·minCompressionRate ≥ rows·cols, are all-reduced uncompressed (no residual), as in
 * the hook; the rank is capped at min(rows, cols), as the hook caps it.
 *
 * Simplification: the mean of the workers' P = M_w·Q equals (mean M)·Q in exact arithmetic, so the
 * products are taken once on the float64 mean matrix instead of once per worker (the same values up
 * to rounding, N times less work).
 */
import { bool, errorFeedbackOption, num, rankOrderMean } from './common.ts';
import type { Compressor, CompressorEntry, CompressorOptionSpec, TensorInput, TensorOutput } from './types.ts';

/** The rank used for a rows × cols tensor, or 0 when it travels uncompressed. */
export function powerSgdRank(rows: number, cols: number, rank: number, minCompressionRate: number): number {
  if (rows <= 1 || cols <= 1) return 0;
  const r = Math.min(rank, rows, cols);
  return (rows + cols) * r * minCompressionRate >= rows * cols ? 0 : r;
}

/**
 * Orthonormalises the `r` columns of the rows × r row-major matrix `p` in place (modified Gram–Schmidt,
 * in column order). A column that is (numerically) dependent on the earlier ones is set to zero rather
 * than divided by (almost) zero (PyTorch adds an epsilon for the same reason).
 */
export function orthonormalise(p: Float64Array, rows: number, r: number): void {
  for (let c = 0; c < r; c++) {
    let before = 0;
    for (let i = 0; i < rows; i++) before += p[i * r + c]! ** 2;
    for (let prev = 0; prev < c; prev++) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += p[i * r + c]! * p[i * r + prev]!;
      for (let i = 0; i < rows; i++) p[i * r + c]! -= dot * p[i * r + prev]!;
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += p[i * r + c]! ** 2;
    // Dependent within rounding (what is left is below 1e-10 of the column): zero, not a random direction.
    const f = norm > 1e-20 * before && norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < rows; i++) p[i * r + c]! *= f;
  }
}

/** Options of one PowerSGD configuration. */
export interface PowerSgdOptions {
  readonly rank: number;
  readonly warmStart: boolean;
  readonly minCompressionRate: number;
  readonly errorFeedback: boolean;
}

/** A PowerSGD compressor; it keeps one Q (cols × r) per tensor index for warm starts. */
export function powerSgd(o: PowerSgdOptions): Compressor & { reset(): void } {
  if (!(Number.isInteger(o.rank) && o.rank >= 1)) throw new RangeError(`PowerSGD rank must be an integer ≥ 1`);
  const qs = new Map<number, Float64Array>();
  return {
    name: 'powersgd',
    label: `powersgd rank ${o.rank}`,
    collective: 'all-reduce',
    rounds: 2,
    errorFeedback: o.errorFeedback,
    // P (rows·r) and Q (cols·r) of every compressed tensor: r·(rows + cols) values, which the
    // minCompressionRate rule keeps below rows·cols / minCompressionRate. So this is an UPPER bound on
    // the fraction of a parameter vector they take (the true fraction is usually far smaller,
    // 1/460 for a 512×4608 conv at rank 1); the interface has no per-model figure.
    extraStateSlots: 1 / o.minCompressionRate,
    wireBytes(rows, cols, valueBytes) {
      const r = powerSgdRank(rows, cols, o.rank, o.minCompressionRate);
      return (r === 0 ? rows * cols : r * (rows + cols)) * valueBytes;
    },
    compress(t: TensorInput): TensorOutput {
      const { rows, cols } = t;
      const n = rows * cols;
      const r = powerSgdRank(rows, cols, o.rank, o.minCompressionRate);
      if (r === 0) return { mean: rankOrderMean(t.inputs, n), decoded: t.inputs };
      const m = new Float64Array(n); // mean over workers, rank order
      for (const x of t.inputs) for (let i = 0; i < n; i++) m[i]! += x[i]!;
      const inv = 1 / t.inputs.length;
      for (let i = 0; i < n; i++) m[i]! *= inv;
      let q = o.warmStart ? qs.get(t.index) : undefined;
      if (q === undefined || q.length !== cols * r) {
        q = new Float64Array(cols * r);
        for (let i = 0; i < q.length; i++) q[i] = t.rng.normal();
      }
      const p = new Float64Array(rows * r); // P = M·Q
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          const v = m[i * cols + j]!;
          if (v === 0) continue;
          for (let c = 0; c < r; c++) p[i * r + c]! += v * q[j * r + c]!;
        }
      }
      orthonormalise(p, rows, r);
      const qNew = new Float64Array(cols * r); // Q = Mᵀ·P̂
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          const v = m[i * cols + j]!;
          if (v === 0) continue;
          for (let c = 0; c < r; c++) qNew[j * r + c]! += v * p[i * r + c]!;
        }
      }
      if (o.warmStart) qs.set(t.index, qNew);
      const g = new Float32Array(n); // Ĝ = P̂·Qᵀ
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          let s = 0;
          for (let c = 0; c < r; c++) s += p[i * r + c]! * qNew[j * r + c]!;
          g[i * cols + j] = s;
        }
      }
      return { mean: g, decoded: t.inputs.map(() => g) };
    },
    reset: () => qs.clear(),
  };
}

/** Registry entry. */
export const POWERSGD = Object.freeze<CompressorEntry>({
  name: 'powersgd',
  summary: 'PowerSGD rank-r low-rank approximation, one power iteration, two all-reduces (P, Q)',
  reference: 'Vogels, Karimireddy, Jaggi, NeurIPS 2019; PyTorch powerSGD_hook (spec §20.2)',
  level: 'rank',
  options: Object.freeze<Record<string, CompressorOptionSpec>>({
    rank: { type: 'integer', description: 'approximation rank r', default: 1, min: 1 },
    warmStart: { type: 'boolean', description: 'reuse the previous step’s Q per tensor', default: true },
    minCompressionRate: {
      type: 'number',
      description: 'send a tensor uncompressed unless rows·cols > (rows + cols)·r·minCompressionRate',
      default: 2,
      greaterThan: 0,
    },
    errorFeedback: errorFeedbackOption(true),
  }),
  create: (o) =>
    powerSgd({
      rank: num(o, 'rank'),
      warmStart: bool(o, 'warmStart'),
      minCompressionRate: num(o, 'minCompressionRate'),
      errorFeedback: bool(o, 'errorFeedback'),
    }),
});
