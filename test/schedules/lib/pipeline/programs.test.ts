/**
 * The pipeline programs as data: spec §26's warm-up counts (F7, F8), activation bounds (F5, §24.2) and
 * well-formedness of every program for any shape.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { PipeOp } from '../../../../src/schedules/lib/pipeline/pipe-op.ts';
import {
  PIPE_PROGRAMS,
  gpipe,
  interleaved1F1B,
  interleavedWarmup,
  oneFOneB,
  zbH1,
} from '../../../../src/schedules/lib/pipeline/programs.ts';
import { checkProgram, timeline } from '../../../../src/schedules/lib/pipeline/timeline.ts';

const show = (ops: readonly PipeOp[]): string =>
  ops.map((o) => (o.op === 'step' ? 'step' : `${o.op}${o.mb}${o.chunk === 0 ? '' : `.${o.chunk}`}`)).join(' ');

/**
 * Warm-up forwards of a rank: the forwards before its first backward (B or I), less the steady state's
 * first forward, which also precedes it (valid while M exceeds the warm-up).
 */
const warmup = (ops: readonly PipeOp[]): number => ops.findIndex((o) => o.op === 'B' || o.op === 'I') - 1;

describe('pipeline programs', () => {
  it('GPipe runs every forward, then every backward, then the step', () => {
    expect(show(gpipe(1, 4, 3, 1))).toBe('F0 F1 F2 B0 B1 B2 step');
  });

  it('1F1B warms up with S−1−s forwards (F7: S=4 → 3, 2, 1, 0) and alternates after', () => {
    expect([0, 1, 2, 3].map((s) => warmup(oneFOneB(s, 4, 8, 1)))).toEqual([3, 2, 1, 0]);
    expect(show(oneFOneB(2, 4, 4, 1))).toBe('F0 F1 B0 F2 B1 F3 B2 B3 step');
    // Fewer micro-batches than stages: the warm-up is capped at M.
    expect(show(oneFOneB(0, 4, 2, 1))).toBe('F0 F1 B0 B1 step');
  });

  it("interleaved 1F1B uses Megatron's warm-up (F8: p=4, v=2 → rank 0: 10, rank 3: 4), capped at m·v", () => {
    expect(interleavedWarmup(0, 4, 8, 2)).toBe(10);
    expect(interleavedWarmup(3, 4, 8, 2)).toBe(4);
    expect(interleavedWarmup(0, 4, 4, 2)).toBe(8); // 10 capped at 4·2
    expect([0, 1, 2, 3].map((r) => warmup(interleaved1F1B(r, 4, 8, 2)))).toEqual([10, 8, 6, 4]);
    // Groups of p micro-batches sweep the chunks: forwards 0–3 on chunk 0, then 0–3 on chunk 1, …;
    // backwards start on the last chunk. Rank 3 (warm-up 4), p=4, v=2, m=4:
    expect(show(interleaved1F1B(3, 4, 4, 2))).toBe(
      'F0 F1 F2 F3 F0.1 B0.1 F1.1 B1.1 F2.1 B2.1 F3.1 B3.1 B0 B1 B2 B3 step step',
    );
    expect(() => interleaved1F1B(0, 4, 6, 2)).toThrow(/multiple of the stages/);
  });

  it('ZB-H1 splits B into I and W and lets stage s defer its Ws by s micro-batches', () => {
    // Stage 0 warms up with S−1 = 3 forwards and runs each W at once; the last stage has no warm-up and
    // lags its Ws by 3, so both hold at most S = 4 activation sets.
    expect(show(zbH1(0, 4, 4, 1))).toBe('F0 F1 F2 F3 I0 W0 I1 W1 I2 W2 I3 W3 step');
    expect(show(zbH1(3, 4, 4, 1))).toBe('F0 I0 F1 I1 F2 I2 F3 I3 W0 W1 W2 W3 step');
    expect(show(zbH1(1, 4, 6, 1))).toBe('F0 F1 F2 I0 F3 I1 W0 F4 I2 W1 F5 I3 W2 I4 W3 I5 W4 W5 step');
  });

  it('single-chunk schedules reject chunks > 1 and bad shapes', () => {
    expect(() => gpipe(0, 4, 4, 2)).toThrow(/use interleaved-1f1b/);
    expect(() => oneFOneB(4, 4, 4, 1)).toThrow(/rank must be an integer in 0\.\.3/);
    expect(() => zbH1(0, 4, 0, 1)).toThrow(/integers >= 1/);
  });

  it('every program is well formed: one F and one B (or I then W) per micro-batch and chunk, F first', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(PIPE_PROGRAMS)),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        (name, S, k, v0) => {
          const interleaved = name === 'interleaved-1f1b';
          const v = interleaved ? v0 : 1;
          const M = interleaved ? k * S : k * 2 - 1;
          for (let r = 0; r < S; r++) {
            const ops = PIPE_PROGRAMS[name]!(r, S, M, v);
            checkProgram(r, ops, M, v); // throws on a missing, doubled or misordered op
            const compute = ops.filter((o) => o.op !== 'step');
            const perOp = name === 'zb-h1' ? 3 : 2;
            expect(compute).toHaveLength(perOp * M * v);
            expect(ops.filter((o) => o.op === 'step')).toHaveLength(v);
          }
        },
      ),
      { numRuns: 150, seed: 12 },
    );
  });

  it('checkProgram names the rank and the op that breaks the rules', () => {
    const B0: PipeOp = { op: 'B', mb: 0, chunk: 0 };
    const F0: PipeOp = { op: 'F', mb: 0, chunk: 0 };
    expect(() => checkProgram(2, [B0, F0], 1, 1)).toThrow(/rank 2: B0 comes before its F/);
    expect(() => checkProgram(0, [F0, B0, B0], 1, 1)).toThrow(/B0 appears twice/);
    expect(() => checkProgram(0, [F0], 1, 1)).toThrow(/micro-batch 0 needs exactly one B, or one I and one W/);
    expect(() => checkProgram(0, [F0, { op: 'W', mb: 0, chunk: 0 }], 1, 1)).toThrow(/W0 comes before its I/);
    expect(() => checkProgram(0, [{ op: 'F', mb: 0, chunk: 1 }], 1, 1)).toThrow(/chunk 1, outside 0\.\.0/);
  });

  it('the programs never deadlock and every op waits for its data (timeline over random shapes)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(PIPE_PROGRAMS)),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 2 }),
        (name, S, k, v0, tF, tB, tComm) => {
          const interleaved = name === 'interleaved-1f1b';
          const v = interleaved ? v0 : 1;
          const M = interleaved ? k * S : k * 3 - 2;
          const t = timeline(PIPE_PROGRAMS[name]!, { stages: S, microBatches: M, chunks: v, tF, tB, tComm });
          // Each rank runs one op at a time, in program order.
          for (const ops of t.byRank)
            for (let i = 1; i < ops.length; i++) expect(ops[i]!.start).toBeGreaterThanOrEqual(ops[i - 1]!.end);
          // F of a micro-batch on virtual stage u starts after its F on u−1 ended plus the hop.
          const at = new Map(t.ops.map((o) => [`${o.op.op}${o.op.mb}@${o.op.chunk * S + o.rank}`, o]));
          for (const o of t.ops) {
            const u = o.op.chunk * S + o.rank;
            if (o.op.op === 'F' && u > 0) {
              const prev = at.get(`F${o.op.mb}@${u - 1}`)!;
              expect(o.start).toBeGreaterThanOrEqual(prev.end + (prev.rank === o.rank ? 0 : tComm));
            }
          }
          expect(t.bubble).toBeGreaterThanOrEqual(0);
          expect(t.bubble).toBeLessThan(1);
        },
      ),
      { numRuns: 120, seed: 2024 },
    );
  });
});
