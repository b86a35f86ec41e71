/**
 * Statistics over the seeds of one configuration (`repeats`): the sample mean, the sample standard
 * deviation (n − 1 in the denominator: the seeds are a sample of all seeds) and the 95% confidence
 * interval of the mean from Student's t distribution with n − 1 degrees of freedom, the right interval
 * for a handful of runs whose spread is itself estimated.
 */

/** z = Φ⁻¹(0.975), the limit of t(ν) as ν → ∞. */
const Z975 = 1.959963984540054;

/**
 * t(ν) = the 0.975 quantile of Student's t with ν degrees of freedom, ν = 1..30, to 10 significant
 * digits (scipy.stats.t.ppf(0.975, ν)). Tabulated because the expansion below is poor for small ν,
 * and small ν (3 to 10 seeds) is the common case.
 */
const T975: readonly number[] = [
  12.70620474, 4.30265273, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252, 2.306004135, 2.262157163,
  2.228138852, 2.20098516, 2.17881283, 2.160368656, 2.144786688, 2.131449546, 2.119905299, 2.109815578, 2.10092204,
  2.093024054, 2.085963447, 2.079613845, 2.073873068, 2.06865761, 2.063898562, 2.059538553, 2.055529439, 2.051830516,
  2.048407142, 2.045229642, 2.042272456,
];

/**
 * The 0.975 quantile of Student's t with `dof` degrees of freedom: the table for 1..30, above it the
 * Cornish–Fisher expansion in 1/ν (Abramowitz & Stegun 26.7.5, four terms), whose error at ν = 31 is
 * below 1e-6 and shrinks as 1/ν⁵; `Infinity` gives z = 1.95996.
 * @throws RangeError for a `dof` that is not an integer ≥ 1 (or Infinity).
 */
export function tQuantile975(dof: number): number {
  if (dof === Infinity) return Z975;
  if (!Number.isInteger(dof) || dof < 1) throw new RangeError(`degrees of freedom must be an integer >= 1, got ${dof}`);
  if (dof <= T975.length) return T975[dof - 1]!;
  const z = Z975;
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  const v = 1 / dof;
  return z + v * (g1 + v * (g2 + v * (g3 + v * g4)));
}

/** The statistics of one metric over a configuration's runs. */
export interface SampleStats {
  /** Values used: finite ones only (a missing or non-finite value says nothing about the spread). */
  readonly n: number;
  /** Undefined when n = 0. */
  readonly mean: number | undefined;
  /** Sample standard deviation (n − 1); undefined when n < 2. */
  readonly std: number | undefined;
  /** Half-width of the 95% t-interval, t(n − 1) · std / √n; undefined when n < 2. */
  readonly halfWidth: number | undefined;
  /** mean − halfWidth; undefined when n < 2. */
  readonly low: number | undefined;
  /** mean + halfWidth; undefined when n < 2. */
  readonly high: number | undefined;
}

/**
 * Mean, standard deviation and 95% t-interval of the finite values among `values` (undefined, NaN and
 * ±Infinity are left out and not counted). Two passes (mean, then squared deviations) so that values
 * with a large common offset, such as simulated times, keep their spread's precision.
 */
export function sampleStats(values: readonly (number | undefined)[]): SampleStats {
  const xs = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { n, mean: undefined, std: undefined, halfWidth: undefined, low: undefined, high: undefined };
  const mean = xs.reduce((a, x) => a + x, 0) / n;
  if (n === 1) return { n, mean, std: undefined, halfWidth: undefined, low: undefined, high: undefined };
  const ss = xs.reduce((a, x) => a + (x - mean) * (x - mean), 0);
  const std = Math.sqrt(ss / (n - 1));
  const halfWidth = (tQuantile975(n - 1) * std) / Math.sqrt(n);
  return { n, mean, std, halfWidth, low: mean - halfWidth, high: mean + halfWidth };
}
