import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NormalStreams, Rng } from '../../src/core/rng.ts';

function draws(r: Rng, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.next());
  return out;
}
function meanVar(xs: number[]): [number, number] {
  let m = 0;
  for (const x of xs) m += x;
  m /= xs.length;
  let v = 0;
  for (const x of xs) v += (x - m) ** 2;
  return [m, v / (xs.length - 1)];
}

describe('Rng', () => {
  it('gives the same stream for the same seed and different streams for different seeds', () => {
    expect(draws(new Rng(7), 50)).toEqual(draws(new Rng(7), 50));
    expect(draws(new Rng(7), 50)).not.toEqual(draws(new Rng(8), 50));
  });

  it('forks without consuming the parent (property)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.string(), { maxLength: 5 }), fc.nat(20), (seed, labels, k) => {
        const a = new Rng(seed);
        const b = new Rng(seed);
        draws(a, k);
        draws(b, k);
        for (const l of labels) a.fork(l).next();
        expect(draws(a, 10)).toEqual(draws(b, 10));
      }),
    );
  });

  it("keeps a fork's stream stable when other forks are added (property)", () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.string({ minLength: 1 }), { maxLength: 6 }), (seed, others) => {
        const lone = new Rng(seed).fork('workers').fork(3);
        const root = new Rng(seed);
        const forks = others.map((l) => root.fork(l));
        for (const f of forks) draws(f, 3);
        const again = root.fork('workers').fork(3);
        expect(draws(again, 20)).toEqual(draws(lone, 20));
      }),
    );
  });

  it('gives distinct children for distinct labels', () => {
    const r = new Rng(1);
    expect(draws(r.fork('a'), 5)).not.toEqual(draws(r.fork('b'), 5));
    expect(r.fork('a').seedPath).toBe('1/a');
  });

  // Seeded, so these statistical checks are deterministic; tolerances are ~5 standard errors.
  it('draws uniform(lo, hi) with mean (lo+hi)/2 and variance (hi-lo)^2/12', () => {
    const r = new Rng('u');
    const xs = Array.from({ length: 100_000 }, () => r.uniform(2, 6));
    const [m, v] = meanVar(xs);
    expect(m).toBeCloseTo(4, 1);
    expect(Math.abs(v - 16 / 12)).toBeLessThan(0.03);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...xs)).toBeLessThan(6);
  });

  it('draws integers in [lo, hi] inclusive, each about equally often', () => {
    const r = new Rng('int');
    const counts = new Map<number, number>();
    for (let i = 0; i < 60_000; i++) {
      const k = r.int(-2, 3);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(() => r.int(3, 2)).toThrow(RangeError);
  });

  it('draws normals with the right mean and variance', () => {
    const r = new Rng('n');
    const [m, v] = meanVar(Array.from({ length: 100_000 }, () => r.normal(3, 2)));
    expect(Math.abs(m - 3)).toBeLessThan(0.03);
    expect(Math.abs(v - 4)).toBeLessThan(0.1);
  });

  it('draws lognormals whose mean is exp(mu + sigma^2/2)', () => {
    const r = new Rng('ln');
    const [m] = meanVar(Array.from({ length: 200_000 }, () => r.lognormal(0, 0.5)));
    expect(Math.abs(m - Math.exp(0.125))).toBeLessThan(0.01);
  });

  it('draws exponentials with mean 1/rate', () => {
    const r = new Rng('e');
    const [m, v] = meanVar(Array.from({ length: 100_000 }, () => r.exponential(4)));
    expect(Math.abs(m - 0.25)).toBeLessThan(0.005);
    expect(Math.abs(v - 1 / 16)).toBeLessThan(0.003);
    expect(() => r.exponential(0)).toThrow(RangeError);
  });

  it('draws gammas with mean k*theta and variance k*theta^2, for k above and below 1', () => {
    for (const [k, th] of [
      [0.3, 2],
      [2.5, 0.5],
      [9, 1],
    ] as const) {
      const r = new Rng(`g${k}`);
      const [m, v] = meanVar(Array.from({ length: 100_000 }, () => r.gamma(k, th)));
      expect(Math.abs(m - k * th) / (k * th)).toBeLessThan(0.02);
      expect(Math.abs(v - k * th * th) / (k * th * th)).toBeLessThan(0.05);
    }
  });

  it('draws Dirichlet vectors that sum to 1 with mean alpha_i / sum(alpha)', () => {
    const r = new Rng('d');
    const alpha = [0.5, 1, 2.5];
    const acc = [0, 0, 0];
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const p = r.dirichlet(alpha);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      p.forEach((x, j) => (acc[j]! += x));
    }
    acc.forEach((s, j) => expect(Math.abs(s / n - alpha[j]! / 4)).toBeLessThan(0.01));
  });

  it('draws categorical indices in proportion to the weights', () => {
    const r = new Rng('c');
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 100_000; i++) counts[r.categorical([1, 0, 3, 6])]!++;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[0]! / 1e5 - 0.1)).toBeLessThan(0.005);
    expect(Math.abs(counts[3]! / 1e5 - 0.6)).toBeLessThan(0.005);
    expect(() => r.categorical([0, 0])).toThrow(RangeError);
  });

  it('shuffles into a permutation of the input (property)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer()), (seed, xs) => {
        const s = new Rng(seed).shuffle(xs.slice());
        expect(s.slice().sort((a, b) => a - b)).toEqual(xs.slice().sort((a, b) => a - b));
      }),
    );
  });

  it('puts every element in every position about equally often when shuffling', () => {
    const r = new Rng('perm');
    const pos = Array.from({ length: 4 }, () => [0, 0, 0, 0]);
    for (let i = 0; i < 40_000; i++) r.permutation(4).forEach((v, j) => pos[v]![j]!++);
    for (const row of pos) for (const c of row) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });
});

describe('NormalStreams', () => {
  it('draws, per stream, exactly the normals of that stream’s own Rng, in any interleaving', () => {
    const seedOf = (i: number): string => `7/stragglers/0-lognormal/worker-${i}`;
    // Capacity 1 forces the state to grow while streams are already in use.
    const bank = new NormalStreams(seedOf, 1);
    const own = Array.from({ length: 40 }, (_, i) => new Rng(seedOf(i)));
    const order = new Rng('order');
    for (let k = 0; k < 4000; k++) {
      const i = order.int(0, 39);
      const mu = k % 3 === 0 ? -0.02 : 0;
      expect(bank.normal(i, mu, 0.2)).toBe(own[i]!.normal(mu, 0.2));
    }
  });
});
