/**
 * Seeded random numbers for everything stochastic in dtsim. One root `Rng` per scenario; each
 * component takes its own stream with `fork(label)`. Forking is pure: the child is seeded from the
 * parent's seed path and the label, and the parent's stream is not advanced, so adding a new consumer
 * never shifts the numbers any other consumer sees. Same seed, same labels → same numbers, always.
 */
import { Alea } from './alea.ts';

/** A deterministic random stream with the distributions the simulator needs. */
export class Rng {
  /** The seed path this stream was created from, e.g. `7/stragglers/worker-3`. */
  readonly seedPath: string;
  private readonly gen: Alea;
  // Marsaglia's polar method yields normals in pairs; the spare is kept for the next call.
  private spareNormal = 0;
  private hasSpare = false;

  /** Creates a stream from a seed (number or string). Equal seeds give equal streams. */
  constructor(seed: number | string) {
    this.seedPath = String(seed);
    this.gen = new Alea(this.seedPath);
  }

  /**
   * A child stream for `label`, derived from this stream's seed path and the label only. Does not
   * consume this stream. Forking the same label twice gives two identical streams.
   */
  fork(label: string | number): Rng {
    return new Rng(`${this.seedPath}/${String(label)}`);
  }

  /** Uniform double in [0, 1) with 32 bits of resolution (fast path). */
  next(): number {
    return this.gen.next();
  }

  /** Uniform double in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.gen.next();
  }

  /** Uniform integer in [lo, hi], both ends included. @throws RangeError if hi < lo or not integers. */
  int(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
      throw new RangeError(`int(lo, hi) needs integers with lo <= hi, got ${lo}, ${hi}`);
    }
    // double() has 53 bits, so the bias for any span below 2^32 is under 2^-21 of one bucket.
    return lo + Math.floor(this.gen.double() * (hi - lo + 1));
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.gen.next() < p;
  }

  /** Normal draw with mean `mu` and standard deviation `sigma` (Marsaglia polar method). */
  normal(mu = 0, sigma = 1): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return mu + sigma * this.spareNormal;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.gen.double() - 1;
      v = 2 * this.gen.double() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    this.hasSpare = true;
    return mu + sigma * u * f;
  }

  /** Lognormal draw: exp(N(mu, sigma²)). Its mean is exp(mu + sigma²/2). */
  lognormal(mu = 0, sigma = 1): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Exponential draw with the given rate (mean 1/rate). @throws RangeError unless rate > 0. */
  exponential(rate = 1): number {
    if (!(rate > 0)) throw new RangeError(`exponential rate must be > 0, got ${rate}`);
    // 1 - u lies in (0, 1], so the log is finite.
    return -Math.log(1 - this.gen.double()) / rate;
  }

  /**
   * Gamma draw with `shape` k > 0 and `scale` θ > 0 (mean kθ), by Marsaglia and Tsang (2000).
   * For k < 1 it uses the boost Gamma(k) = Gamma(k+1) · U^(1/k).
   */
  gamma(shape: number, scale = 1): number {
    if (!(shape > 0) || !(scale > 0)) {
      throw new RangeError(`gamma needs shape > 0 and scale > 0, got ${shape}, ${scale}`);
    }
    if (shape < 1) {
      const u = 1 - this.gen.double();
      return this.gamma(shape + 1, scale) * Math.pow(u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.gen.double();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  /** Dirichlet draw: a probability vector with the given concentrations (each > 0). */
  dirichlet(alphas: readonly number[]): number[] {
    if (alphas.length === 0) throw new RangeError('dirichlet needs at least one concentration');
    const g = alphas.map((a) => this.gamma(a));
    let sum = 0;
    for (const x of g) sum += x;
    // With tiny alphas every gamma can underflow to 0; fall back to one-hot on the first max.
    if (sum === 0) return g.map((_, i) => (i === 0 ? 1 : 0));
    return g.map((x) => x / sum);
  }

  /**
   * Index drawn with probability proportional to `weights` (non-negative, not all zero).
   * @throws RangeError on an empty list, a negative weight or an all-zero list.
   */
  categorical(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) {
      if (!(w >= 0)) throw new RangeError(`categorical weights must be >= 0, got ${w}`);
      total += w;
    }
    if (!(total > 0)) throw new RangeError('categorical needs at least one positive weight');
    let r = this.gen.double() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    // Rounding can leave r a hair above zero; the last positive weight takes it.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
    return weights.length - 1;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.gen.double() * (i + 1));
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): number[] {
    const p = new Array<number>(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}

// Layout of one stream in `NormalStreams.state`: Alea's (s0, s1, s2, c), the spare normal, whether
// it is held, and whether the stream is seeded. Eight doubles: one 64-byte cache line per stream.
const STRIDE = 8;
const SPARE = 4;
const HAS_SPARE = 5;
const SEEDED = 6;

// One normal from the stream at `st[o ..]`: `Rng.normal`'s polar method with Alea's `double()` (two
// `next()` each) written out on the stream's words, in the same order, so the numbers are the same.
function drawNormal(st: Float64Array, o: number, mu: number, sigma: number): number {
  if (st[o + HAS_SPARE] === 1) {
    st[o + HAS_SPARE] = 0;
    return mu + sigma * st[o + SPARE]!;
  }
  let s0 = st[o]!;
  let s1 = st[o + 1]!;
  let s2 = st[o + 2]!;
  let c = st[o + 3]!;
  let u: number, v: number, s: number;
  do {
    let t = 2091639 * s0 + c * 2.3283064365386963e-10;
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    const a = s2;
    t = 2091639 * s0 + c * 2.3283064365386963e-10;
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    u = 2 * (a + ((s2 * 0x200000) | 0) * 1.1102230246251565e-16) - 1;
    t = 2091639 * s0 + c * 2.3283064365386963e-10;
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    const b = s2;
    t = 2091639 * s0 + c * 2.3283064365386963e-10;
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    v = 2 * (b + ((s2 * 0x200000) | 0) * 1.1102230246251565e-16) - 1;
    s = u * u + v * v;
  } while (s >= 1 || s === 0);
  st[o] = s0;
  st[o + 1] = s1;
  st[o + 2] = s2;
  st[o + 3] = c;
  const f = Math.sqrt((-2 * Math.log(s)) / s);
  st[o + SPARE] = v * f;
  st[o + HAS_SPARE] = 1;
  return mu + sigma * u * f;
}

/**
 * Many independent normal streams side by side in one typed array, stream i drawing exactly the
 * numbers `new Rng(seedOf(i)).normal(mu, sigma)` would, in the same order (same Alea words, same
 * polar method, same spare). Why: a 16,384-GPU synchronous step draws one straggler factor per GPU,
 * and 16,384 `Rng` objects each behind a closure cost more than the arithmetic; here a draw touches
 * one cache line and allocates nothing. Streams are seeded on first use, so unused ones cost nothing
 * but their slot.
 */
export class NormalStreams {
  private state: Float64Array;

  /**
   * @param seedOf the seed path of stream i (what `Rng.fork` chains would give it).
   * @param capacity streams to reserve room for; more are made room for on demand.
   */
  constructor(
    private readonly seedOf: (i: number) => string,
    capacity = 64,
  ) {
    this.state = new Float64Array(Math.max(1, capacity) * STRIDE);
  }

  /** Normal draw of stream `i` (an integer ≥ 0) with mean `mu` and standard deviation `sigma`. */
  normal(i: number, mu: number, sigma: number): number {
    const o = i * STRIDE;
    let st = this.state;
    if (o >= st.length || st[o + SEEDED] === 0) st = this.seed(i);
    return drawNormal(st, o, mu, sigma);
  }

  /**
   * `out[k] *= exp(normal(streams[k], mu, sigma))` for every k, in order: one lognormal draw per
   * stream, as `Rng.lognormal` gives (a whole crew's straggler factors in one loop).
   */
  multiplyLognormal(streams: readonly number[], mu: number, sigma: number, out: Float64Array): void {
    let st = this.state;
    for (let k = 0; k < streams.length; k++) {
      const i = streams[k]!;
      const o = i * STRIDE;
      if (o >= st.length || st[o + SEEDED] === 0) st = this.seed(i);
      out[k]! *= Math.exp(drawNormal(st, o, mu, sigma));
    }
  }

  // Makes room for stream i if needed and seeds it; returns the (possibly new) state array.
  private seed(i: number): Float64Array {
    let st = this.state;
    const o = i * STRIDE;
    if (o >= st.length) {
      let n = st.length;
      while (n <= o) n *= 2;
      const grown = new Float64Array(n);
      grown.set(st);
      this.state = st = grown;
    }
    Alea.seedInto(this.seedOf(i), st, o);
    st[o + SEEDED] = 1;
    return st;
  }
}
