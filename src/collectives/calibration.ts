/**
 * Calibration of the ring α-β model on measured NCCL all-reduce times (spec/peers.md §4: vTrain's
 * lookup table `trace/a100/AR_GPU8_1M_1024M_LUT`, one 8×A100 DGX node). The 8-GPU points fit α (per
 * ring step) and B; the 2-GPU point is kept aside as independent validation.
 *
 * Fit method: the ring model T = 2(N−1)·α + 2(N−1)/N·n·β is linear in (α, β = 1/B), so the fit is
 * weighted linear least squares minimising Σ ((T_model − T_meas)/T_meas)², i.e. relative error, which
 * keeps the 1 GiB point from swamping the 1 MiB one. Solved exactly by the 2×2 normal equations.
 */

/** One measured all-reduce. */
export interface AllReduceMeasurement {
  readonly gpus: number;
  readonly sizeBytes: number;
  readonly timeS: number;
}

/** The 8-GPU points used for the fit (NCCL AllReduce, 8×A100, spec/peers.md §4). */
export const DGX_A100_FIT_POINTS: readonly AllReduceMeasurement[] = Object.freeze([
  { gpus: 8, sizeBytes: 2 ** 20, timeS: 92.79e-6 },
  { gpus: 8, sizeBytes: 2 ** 26, timeS: 579.9e-6 },
  { gpus: 8, sizeBytes: 2 ** 30, timeS: 8.193e-3 },
]);

/** The held-out point: 2 GPUs, 1 GiB (spec/peers.md §4). Never used by the fit. */
export const DGX_A100_HOLDOUT_POINTS: readonly AllReduceMeasurement[] = Object.freeze([
  { gpus: 2, sizeBytes: 2 ** 30, timeS: 5.4428e-3 },
]);

/** Fitted ring parameters: α is the per-step latency (a route's summed latency), B the bandwidth. */
export interface RingFit {
  readonly alphaS: number;
  readonly bandwidthBytesPerS: number;
}

/** Ring all-reduce time 2(N−1)α + 2(N−1)/N·n/B (spec §1.1). */
export function ringAllReduceTime(gpus: number, sizeBytes: number, fit: RingFit): number {
  return 2 * (gpus - 1) * fit.alphaS + (2 * (gpus - 1) * sizeBytes) / gpus / fit.bandwidthBytesPerS;
}

/**
 * Relative-error least-squares fit of the ring model to `points` (see the file comment).
 * @throws Error when the points cannot determine both parameters or give a non-physical fit.
 */
export function fitRingModel(points: readonly AllReduceMeasurement[]): RingFit {
  // Row i of the weighted design matrix: [2(N−1), 2(N−1)/N·n] / T_i, target 1.
  let a00 = 0;
  let a01 = 0;
  let a11 = 0;
  let y0 = 0;
  let y1 = 0;
  for (const p of points) {
    const x0 = (2 * (p.gpus - 1)) / p.timeS;
    const x1 = (2 * (p.gpus - 1) * p.sizeBytes) / p.gpus / p.timeS;
    a00 += x0 * x0;
    a01 += x0 * x1;
    a11 += x1 * x1;
    y0 += x0;
    y1 += x1;
  }
  const det = a00 * a11 - a01 * a01;
  if (!(Math.abs(det) > 0))
    throw new Error('calibration points do not determine both α and B (need two distinct sizes)');
  const alpha = (y0 * a11 - a01 * y1) / det;
  const beta = (a00 * y1 - a01 * y0) / det;
  if (!(alpha >= 0 && beta > 0)) throw new Error(`calibration gave a non-physical fit (α = ${alpha}, β = ${beta})`);
  return { alphaS: alpha, bandwidthBytesPerS: 1 / beta };
}

/** Relative error (model − measured)/measured of each point under `fit`. */
export function calibrationErrors(points: readonly AllReduceMeasurement[], fit: RingFit): number[] {
  return points.map((p) => (ringAllReduceTime(p.gpus, p.sizeBytes, fit) - p.timeS) / p.timeS);
}

/** The DGX-A100 intra-node fit, computed once from DGX_A100_FIT_POINTS. */
export const DGX_A100_RING_FIT: RingFit = fitRingModel(DGX_A100_FIT_POINTS);

/**
 * The NCCL-like model's calibration (protocols.ts, tuner.ts) on the same 8-GPU points: the per-call
 * launch overhead and the NVLink bandwidth, with each NVLink hop's wire latency fixed at ASTRA-sim's
 * validated NVSwitch hop (936.25 ns, the HGX-H100 figure, also used for A100's NVSwitch) and every
 * protocol constant taken from NCCL's tuning.cc. The fit is `fitLaunchAndBandwidth` run on the real
 * communicator (test/collectives/calibration.test.ts reruns it and checks these numbers); the values
 * are stored rather than recomputed at start-up, which would simulate a thousand collectives.
 * 239.5 GB/s sits next to NCCL's own 235 GB/s cap on A100 bus bandwidth (tuning.cc of NCCL 2.8).
 */
export const DGX_A100_NCCL_FIT = Object.freeze({
  launchS: 39.43e-6,
  bandwidthBytesPerS: 239.5e9,
  hopLatencyS: 936.25e-9,
});

/** A fit of the launch overhead and one bandwidth, and its relative errors. */
export interface LaunchBandwidthFit {
  readonly launchS: number;
  readonly bandwidthBytesPerS: number;
  /** (model − measured)/measured per point, in the points' order. */
  readonly errors: readonly number[];
}

/**
 * Fits a launch overhead L ≥ 0 and a bandwidth B to `points`, minimising Σ ((T_model − T)/T)², where
 * `timeWithoutLaunch(point, B)` prices a point with no launch overhead (a protocol choice does not
 * depend on L, which every candidate pays alike, so the model is L + that time). For each B on the
 * grid `bandwidths`, the best L has a closed form: L = Σ (1 − a_i/T_i)/T_i / Σ 1/T_i², a_i the
 * time without launch; the best (L, B) pair over the grid wins (the first on ties).
 * @throws Error for no points or no bandwidths.
 */
export function fitLaunchAndBandwidth(
  points: readonly AllReduceMeasurement[],
  bandwidths: readonly number[],
  timeWithoutLaunch: (p: AllReduceMeasurement, bandwidth: number) => number,
): LaunchBandwidthFit {
  if (points.length === 0 || bandwidths.length === 0) throw new Error('a fit needs points and bandwidths');
  let best: LaunchBandwidthFit | null = null;
  let bestErr = Infinity;
  for (const b of bandwidths) {
    const a = points.map((p) => timeWithoutLaunch(p, b));
    let num = 0;
    let den = 0;
    points.forEach((p, i) => {
      num += (1 - a[i]! / p.timeS) / p.timeS;
      den += 1 / (p.timeS * p.timeS);
    });
    const launch = Math.max(0, num / den);
    const errors = points.map((p, i) => (launch + a[i]! - p.timeS) / p.timeS);
    const err = errors.reduce((s, e) => s + e * e, 0);
    if (err < bestErr) {
      bestErr = err;
      best = { launchS: launch, bandwidthBytesPerS: b, errors };
    }
  }
  return best!;
}
