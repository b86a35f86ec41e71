/**
 * The analytic timeline against spec §26.1's closed forms (F1–F3, F5, F8 and ZB-H1's bubble), the
 * activation counts of §24.2, communication delays and deadlock reports.
 */
import { describe, expect, it } from 'vitest';
import type { PipeOp, PipeProgram } from '../../../../src/schedules/lib/pipeline/pipe-op.ts';
import {
  PIPE_PROGRAMS,
  gpipe,
  interleaved1F1B,
  oneFOneB,
  zbH1,
} from '../../../../src/schedules/lib/pipeline/programs.ts';
import { timeline } from '../../../../src/schedules/lib/pipeline/timeline.ts';

describe('pipeline timeline', () => {
  it('F1/F2: GPipe and 1F1B take (M+S−1)(t_F+t_B) with bubble (S−1)/(M+S−1)', () => {
    // Equal stages: the last micro-batch's forward reaches stage S−1 after S−1 extra slots, and the
    // backward wave needs S−1 more, so T = (M+S−1)(t_F+t_B); busy time per stage is M(t_F+t_B).
    const cases: [number, number, number][] = [
      [4, 4, 0.4286],
      [4, 16, 0.1579],
      [8, 32, 0.1795],
    ];
    for (const [S, M, bubble] of cases)
      for (const p of [gpipe, oneFOneB]) {
        const t = timeline(p, { stages: S, microBatches: M, tF: 1, tB: 2 });
        expect(t.makespan).toBe((M + S - 1) * 3);
        expect(t.bubble).toBeCloseTo((S - 1) / (M + S - 1), 12);
        expect(t.bubble).toBeCloseTo(bubble, 4);
      }
    // F2's worked example: S=4, M=16, t_F=1, t_B=2 → 57.
    expect(timeline(gpipe, { stages: 4, microBatches: 16, tF: 1, tB: 2 }).makespan).toBe(57);
  });

  it('F3: interleaving v chunks cuts the bubble to (p−1)/(v·m+p−1) of the total', () => {
    // Per-chunk op times are 1/v of a stage's; in units of one chunk-op pair the ideal time is v·m and
    // the fill/drain p−1, so T = (v·m+p−1)(t_F+t_B) per chunk. p=4, m=8: 0.2727 (v=1), 0.1579, 0.0857.
    const p = 4;
    const m = 8;
    for (const [v, bubble] of [
      [2, 0.1579],
      [4, 0.0857],
    ] as const) {
      const t = timeline(interleaved1F1B, { stages: p, microBatches: m, chunks: v, tF: 1, tB: 2 });
      expect(t.makespan).toBe((v * m + p - 1) * 3);
      expect(t.bubble).toBeCloseTo((p - 1) / (v * m + p - 1), 12);
      expect(t.bubble).toBeCloseTo(bubble, 4);
      // The ideal-time view: bubble time / ideal = (p−1)/(v·m) (0.1875 and 0.0938).
      expect((t.makespan - m * v * 3) / (m * v * 3)).toBeCloseTo((p - 1) / (v * m), 12);
    }
  });

  it('F5: 1F1B holds min(S−s, M) micro-batches at stage s; GPipe holds M everywhere', () => {
    expect(timeline(oneFOneB, { stages: 4, microBatches: 8, tF: 1, tB: 2 }).peakActivations).toEqual([4, 3, 2, 1]);
    expect(timeline(oneFOneB, { stages: 4, microBatches: 2, tF: 1, tB: 2 }).peakActivations).toEqual([2, 2, 2, 1]);
    expect(timeline(gpipe, { stages: 4, microBatches: 8, tF: 1, tB: 2 }).peakActivations).toEqual([8, 8, 8, 8]);
  });

  it("§24.2/F8: interleaved rank r holds Megatron's warm-up + 1 chunk-micro-batches (p=4, v=2: 11, 9, 7, 5)", () => {
    // Warm-up 2(p−r−1)+(v−1)p = 10, 8, 6, 4 forwards, then one more forward before the first backward.
    const t = timeline(interleaved1F1B, { stages: 4, microBatches: 8, chunks: 2, tF: 1, tB: 2 });
    expect(t.peakActivations).toEqual([11, 9, 7, 5]);
  });

  it('ZB-H1: bubble (S−1)(t_F+t_I−t_W) for t_W ≤ t_F, t_I, with at most S activations per stage', () => {
    // 1F1B with B = I + W idles (S−1)(t_F+t_I+t_W) per stage; ZB-H1 fills the cool-down with deferred
    // Ws, leaving (S−1)(t_F+t_I−t_W) (Qi et al., §3), so T = M(t_F+t_I+t_W) + (S−1)(t_F+t_I−t_W).
    // With t_F = t_I = t_W, p=4, m=8: T = 27, bubble 3/27 = 0.1111 exactly; F4's "B/3" (0.0909) is the
    // paper's large-m approximation of the same thing, (p−1)/(3m+p−1) → (1/3)(p−1)/(m+p−1).
    const cases: [number, number, number, number, number][] = [
      [4, 8, 1, 1, 1],
      [4, 12, 1, 1, 0.5],
      [8, 16, 2, 1, 1],
      [4, 8, 1, 2, 1],
      [8, 16, 1, 1.5, 0.5],
    ];
    for (const [S, M, tF, tI, tW] of cases) {
      const t = timeline(zbH1, { stages: S, microBatches: M, tF, tB: tI + tW, tI, tW });
      const T = M * (tF + tI + tW) + (S - 1) * (tF + tI - tW);
      expect(t.makespan).toBeCloseTo(T, 12);
      expect(t.bubble).toBeCloseTo(1 - (M * (tF + tI + tW)) / T, 12);
      expect(Math.max(...t.peakActivations)).toBe(S);
    }
    const eq = timeline(zbH1, { stages: 4, microBatches: 8, tF: 1, tB: 2, tI: 1, tW: 1 });
    const base = timeline(oneFOneB, { stages: 4, microBatches: 8, tF: 1, tB: 2 });
    expect(eq.bubble).toBeCloseTo(3 / 27, 12);
    // Idle time beyond the 24 units of work: 1F1B 33 − 24 = 9, ZB-H1 27 − 24 = 3, a third.
    expect(eq.makespan - 24).toBe((base.makespan - 24) / 3);
  });

  it('a hop of tComm between ranks adds 2(S−1)·tComm to GPipe', () => {
    // The forward wave crosses S−1 hops before the last stage starts its backwards, the backward wave
    // S−1 more: T = (M+S−1)(t_F+t_B) + 2(S−1)·tComm.
    const t = timeline(gpipe, { stages: 4, microBatches: 6, tF: 1, tB: 2, tComm: 0.5 });
    expect(t.makespan).toBe(9 * 3 + 2 * 3 * 0.5);
    // One stage never communicates.
    expect(timeline(oneFOneB, { stages: 1, microBatches: 3, tF: 1, tB: 2, tComm: 9 }).makespan).toBe(9);
  });

  it('places each op as early as its rank and its data allow', () => {
    const t = timeline(PIPE_PROGRAMS['1f1b']!, { stages: 2, microBatches: 2, tF: 1, tB: 2 });
    const row = (r: number): string => t.byRank[r]!.map((o) => `${o.op.op}${o.op.mb}@${o.start}`).join(' ');
    // Stage 1: F0 [1,2), B0 [2,4), F1 [4,5), B1 [5,7). Stage 0: F0 [0,1), F1 [1,2), B0 waits for
    // stage 1's B0 → [4,6), B1 for stage 1's B1 → [7,9). T = (M+S−1)(t_F+t_B) = 9.
    expect(row(0)).toBe('F0@0 F1@1 B0@4 B1@7');
    expect(row(1)).toBe('F0@1 B0@2 F1@4 B1@5');
    expect(t.makespan).toBe(9);
  });

  it('a deadlocked program fails naming what each rank waits for', () => {
    const F = (mb: number): PipeOp => ({ op: 'F', mb, chunk: 0 });
    const B = (mb: number): PipeOp => ({ op: 'B', mb, chunk: 0 });
    // Rank 0 wants B0 back before it sends F1; rank 1 wants F1 before it runs F0 and B0.
    const bad: PipeProgram = (rank) => (rank === 0 ? [F(0), B(0), F(1), B(1)] : [F(1), F(0), B(0), B(1)]);
    expect(() => timeline(bad, { stages: 2, microBatches: 2, tF: 1, tB: 1 })).toThrow(
      'pipeline deadlock: rank 0 waits at B0 for B or I0 on rank 1; rank 1 waits at F1 for F1 on rank 0',
    );
    expect(() => timeline(gpipe, { stages: 2, microBatches: 2, tF: -1, tB: 1 })).toThrow(/tF must be a finite/);
  });
});
