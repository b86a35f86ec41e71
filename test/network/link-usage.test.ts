import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulator } from '../../src/core/simulator.ts';
import type { Bytes, Seconds } from '../../src/core/units.ts';
import { FlowNetwork } from '../../src/network/flow-model.ts';
import { KEPT_BINS, LinkUsage, MAX_BINS } from '../../src/network/link-usage.ts';
import { fakeTopology } from './fake-topology.ts';

describe('LinkUsage', () => {
  it('spreads a constant-rate interval over the bins it overlaps', () => {
    const u = new LinkUsage(2);
    // 1e-6 s at 1 B/ns from 0.5 µs: bins are 1 ns wide at first, 1000 of them cover 1 µs, so the
    // clock at 1.5 µs widens them to 10 ns: 50 bins of 10 bytes from 0.5 µs to 1.5 µs.
    u.add(1, 0.5e-6, 1.5e-6, 1000);
    const t = u.table(1.5e-6);
    // 150 kept bins of 10 ns, at most 200: given as they are.
    expect(t).toMatchObject({ binWidthS: 1e-8, binMantissa: 1, binExponent: -8, bins: 150, endS: 1.5e-6 });
    expect(t.links.map((l) => l.link)).toEqual([1]);
    const b = t.links[0]!.bytes;
    expect(b.slice(0, 50).every((x) => x === 0)).toBe(true);
    for (const x of b.slice(50)) expect(x).toBeCloseTo(10, 9);
  });

  it('keeps at most MAX_BINS bins whatever the length of the run, with round widths', () => {
    const u = new LinkUsage(1);
    u.add(0, 0, 3600, 3600);
    const t = u.table(3600);
    // Kept bins grow to 10 s (1000 × 10 s ≥ 3600 s): 360 of them, grouped by 2 into 180 bins of 20 s.
    expect(t.binWidthS).toBe(20);
    expect(t.bins).toBe(180);
    expect(t.bins).toBeLessThanOrEqual(MAX_BINS);
    expect(t.links[0]!.bytes.reduce((a, x) => a + x, 0)).toBeCloseTo(3600, 6);
    expect(KEPT_BINS).toBeGreaterThanOrEqual(5 * MAX_BINS);
  });
});

describe('FlowNetwork link usage', () => {
  it('records nothing unless asked', () => {
    const sim = new Simulator();
    const net = new FlowNetwork(sim, fakeTopology([1e9], { 0: { 1: [0] } }));
    net.transfer(0, 1, 1e6 as Bytes);
    sim.run();
    expect(net.linkUsage()).toBeUndefined();
  });

  it('two flows sharing one link fill it for exactly their drain time (analytic)', () => {
    // One link of B = 1e9 B/s, no latency; two flows of S = 5e8 B start at t = 0. Max-min gives each
    // B/2, so both finish at S / (B/2) = 1 s, and the link is full (utilisation 1) on [0, 1 s) and idle
    // after. A timer keeps the clock running to 2 s. At 2 s the kept bins are 10 ms wide (1000 × 1 ms
    // would end at 1 s), 200 of them: each of the first 100 holds B · 10 ms = 1e7 B, the rest 0, and
    // the total is 2S = B · 1 s.
    const B = 1e9;
    const sim = new Simulator();
    const net = new FlowNetwork(sim, fakeTopology([B], { 0: { 1: [0] }, 2: { 3: [0] } }));
    net.recordLinkUsage();
    let done = 0;
    net.transfer(0, 1, 5e8 as Bytes).onProcessed(() => done++);
    net.transfer(2, 3, 5e8 as Bytes).onProcessed(() => done++);
    sim.schedule(2 as Seconds, () => undefined);
    sim.run();
    expect(done).toBe(2);
    const t = net.linkUsage()!;
    expect(t.binWidthS).toBe(0.01);
    expect(t.bins).toBe(200);
    const bytes = t.links[0]!.bytes;
    for (let i = 0; i < 100; i++) expect(bytes[i]! / (B * 0.01)).toBeCloseTo(1, 9);
    for (let i = 100; i < 200; i++) expect(bytes[i]).toBe(0);
    expect(bytes.reduce((a, x) => a + x, 0)).toBeCloseTo(B * 1, 0);
  });

  it('bins sum to the bytes each link carried and never exceed its capacity (property)', () => {
    // Three links of different capacities; routes cross one or two of them, so flows contend.
    const caps = [1e9, 4e8, 2.5e9];
    const routes = { 0: { 1: [0], 2: [0, 1], 3: [2] }, 1: { 2: [1], 3: [1, 2] }, 2: { 3: [2, 0] } };
    const pairs: [number, number][] = [
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            pair: fc.integer({ min: 0, max: pairs.length - 1 }),
            size: fc.integer({ min: 1, max: 2e9 }),
            start: fc.double({ min: 0, max: 5, noNaN: true }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        fc.double({ min: 0, max: 20, noNaN: true }),
        (flows, extra) => {
          const sim = new Simulator();
          const net = new FlowNetwork(sim, fakeTopology(caps, routes, [1e-6, 0, 2e-6]));
          net.recordLinkUsage();
          for (const f of flows) {
            const [s, d] = pairs[f.pair]!;
            sim.schedule(f.start as Seconds, () => net.transfer(s, d, f.size as Bytes));
          }
          sim.run();
          sim.schedule(extra as Seconds, () => undefined);
          sim.run();
          const t = net.linkUsage()!;
          const carried = net.linkBytes();
          expect(t.bins).toBeLessThanOrEqual(MAX_BINS);
          for (let l = 0; l < caps.length; l++) {
            const row = t.links.find((r) => r.link === l);
            const sum = row === undefined ? 0 : row.bytes.reduce((a, x) => a + x, 0);
            expect(Math.abs(sum - carried[l]!)).toBeLessThanOrEqual(1e-9 * carried[l]! + 1e-6);
            if (row === undefined) continue;
            row.bytes.forEach((x, i) => {
              const dur = Math.min((i + 1) * t.binWidthS, t.endS) - i * t.binWidthS;
              const u = x / (caps[l]! * dur);
              expect(u).toBeGreaterThanOrEqual(0);
              expect(u).toBeLessThanOrEqual(1 + 1e-9);
            });
          }
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });
});
