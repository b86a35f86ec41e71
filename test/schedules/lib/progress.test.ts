import { beforeAll, describe, expect, it } from 'vitest';
import { Simulator } from '../../../src/core/simulator.ts';
import { MemoryRecorder } from '../../../src/results/memory-recorder.ts';
import { summaryCsv, updatesCsv, SUMMARY_COLUMNS } from '../../../src/results/csv.ts';
import { runScenario } from '../../../src/scenario/run-scenario.ts';
import { Progress } from '../../../src/schedules/lib/progress.ts';
import type { Trainer, TrainerEval } from '../../../src/schedules/lib/trainer.ts';
import { makeSnapshot, type ParamSnapshot } from '../../../src/training/engine/snapshot.ts';
import { initBackend } from '../../../src/training/tensor-backend.ts';
import { parseCsv } from '../../results/csv-parse.ts';
import { tinyScenario } from '../fixtures.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

/**
 * A trainer whose evaluations are scripted: the i-th evaluate() returns `evals[i]`. It has only what
 * Progress calls (the schedules' methods are never reached here).
 */
function scriptedTrainer(evals: readonly TrainerEval[]): Trainer {
  let i = 0;
  return {
    full: true,
    paramCount: 2,
    trainSize: () => 100,
    initial: () => makeSnapshot(0, Float32Array.of(0, 0)),
    evaluate: () => {
      const r = evals[i++];
      if (r === undefined) throw new Error('no more scripted evaluations');
      return r;
    },
  } as Partial<Trainer> as Trainer;
}

const ok = (accuracy: number): TrainerEval => ({ loss: 1, accuracy, predictedClasses: 3 });
const oneClass = (accuracy: number): TrainerEval => ({ loss: 2.3, accuracy, predictedClasses: 1 });

function progressWith(
  evals: readonly TrainerEval[],
  updates = 100,
): { p: Progress; sim: Simulator; rec: MemoryRecorder } {
  const sim = new Simulator();
  const rec = new MemoryRecorder({ updates: false, spans: false, traceLimit: 0 });
  return { p: new Progress(sim, scriptedTrainer(evals), rec, { updates }, undefined), sim, rec };
}

const snap = (v: number, ...params: number[]): ParamSnapshot => makeSnapshot(v, Float32Array.from(params));

describe('Progress', () => {
  it('records a collapse from the first evaluation of the final one-class streak, and forgets a streak that ended', () => {
    const { p } = progressWith([oneClass(0.1), ok(0.5), oneClass(0.11), oneClass(0.1)]);
    p.evaluate(); // update 0: a fresh model may predict one class
    expect(p.collapse).toEqual({ sinceUpdates: 0, sinceTimeS: 0 });
    p.commit(snap(1, 0, 0), 1, 0);
    p.evaluate(); // recovered
    expect(p.collapse).toBeUndefined();
    p.commit(snap(2, 0, 0), 1, 0);
    p.evaluate();
    p.commit(snap(3, 0, 0), 1, 0);
    p.evaluate();
    expect(p.collapse).toEqual({ sinceUpdates: 2, sinceTimeS: 0 });
    // Collapse is a flag, not a stop.
    expect(p.running).toBe(true);
    expect(p.divergence).toBeUndefined();
  });

  it('stops with "diverged at update K" when an evaluation finds non-finite parameters', () => {
    const { p } = progressWith([ok(0.5), ok(0.5)]);
    p.evaluate();
    p.commit(snap(1, 0.5, Number.POSITIVE_INFINITY), 1, 0);
    p.evaluate();
    expect(p.running).toBe(false);
    expect(p.stopReason).toBe('diverged at update 1 (t = 0 s): non-finite parameters');
    expect(p.divergence).toBe(p.stopReason);
  });

  it('treats a non-finite test loss as divergence, keeps the best finite accuracy and never calls NaN a collapse', () => {
    const { p } = progressWith([ok(0.4), { loss: Number.NaN, accuracy: Number.NaN, predictedClasses: 1 }]);
    p.evaluate();
    p.commit(snap(1, 1, 1), 1, 0);
    p.evaluate();
    expect(p.stopReason).toBe('diverged at update 1 (t = 0 s): non-finite test loss (NaN)');
    expect(p.bestAccuracy).toBe(0.4);
    expect(p.collapse).toBeUndefined();
  });

  it('keeps the stop condition that came first and appends a divergence found after it', () => {
    const { p } = progressWith([ok(0.5)], 1);
    p.commit(snap(1, Number.NaN, 0), 1, 0);
    expect(p.stopReason).toBe('updates reached 1');
    p.evaluate(); // the runner's final evaluation
    expect(p.divergence).toBe('diverged at update 1 (t = 0 s): non-finite parameters');
    expect(p.stopReason).toBe(`updates reached 1; ${p.divergence}`);
  });

  it('gives the first divergence only', () => {
    const { p } = progressWith([]);
    p.diverge(3, 0.012345, 'first');
    p.diverge(4, 0.02, 'second');
    expect(p.divergence).toBe('diverged at update 3 (t = 0.01235 s): first');
  });
});

describe('a diverging full run', () => {
  // A ReLU MLP with a learning rate of 1e10 overflows float32 within a few steps (a logistic
  // regression would not: its loss grows only linearly with the learning rate).
  const mlp = { kind: 'mlp' as const, hidden: [16] };
  const cases = ['sync-allreduce', 'async-ps', 'local-sgd'];

  for (const schedule of cases) {
    it(`${schedule}: stops at the first non-finite value with "diverged at update K (t = … s)"`, () => {
      const r = runScenario(
        tinyScenario({
          schedule,
          model: mlp,
          lr: 1e10,
          updates: 40,
          optimizer: 'momentum',
          optimizerOptions: { momentum: 0.9 },
        }),
        0,
      );
      expect(r.stopReason).toMatch(
        /^diverged at update \d+ \(t = [0-9.e-]+ s\): non-finite (training loss|test loss|parameters)/,
      );
      expect(r.divergence).toBe(r.stopReason);
      const k = Number(/update (\d+)/.exec(r.stopReason)![1]);
      expect(k).toBeGreaterThan(0);
      expect(k).toBeLessThan(40);
      expect(r.updates).toBeLessThan(40);
      // Stopped close to where it was found, not three epochs later.
      expect(r.updates).toBeLessThanOrEqual(k);
      // The initial model was fine, so a best accuracy exists and is finite.
      expect(Number.isFinite(r.bestAccuracy)).toBe(true);
      expect(r.collapse).toBeUndefined();
      const row = parseCsv(summaryCsv([r]))[1]!;
      expect(row[SUMMARY_COLUMNS.indexOf('diverged')]).toBe('true');
    });
  }

  it('writes the non-finite losses that stopped it as NaN or Infinity in updates.csv, never as empty cells', () => {
    const r = runScenario(
      tinyScenario({
        schedule: 'sync-allreduce',
        model: mlp,
        lr: 1e10,
        updates: 40,
        optimizer: 'momentum',
        optimizerOptions: { momentum: 0.9 },
      }),
      0,
    );
    const losses = parseCsv(updatesCsv([r]))
      .slice(1)
      .map((row) => row[7]!);
    expect(losses).not.toContain('');
    expect(losses.at(-1)).toMatch(/^(NaN|-?Infinity)$/);
    expect(r.finalLoss).toBeNaN();
  });

  it('does not flag the same run at a sane learning rate', () => {
    const r = runScenario(tinyScenario({ schedule: 'sync-allreduce', model: mlp, lr: 0.1, updates: 40 }), 0);
    expect(r.divergence).toBeUndefined();
    expect(r.stopReason).toBe('updates reached 40');
    expect(parseCsv(summaryCsv([r]))[1]![SUMMARY_COLUMNS.indexOf('diverged')]).toBe('false');
  });

  it('writes a missing (empty) loss in timing-only runs, and never flags them', () => {
    const r = runScenario(tinyScenario({ schedule: 'async-ps', mode: 'timing-only', lr: 1e10, updates: 20 }), 0);
    expect(r.divergence).toBeUndefined();
    expect(r.finalAccuracy).toBeUndefined();
    const losses = parseCsv(updatesCsv([r]))
      .slice(1)
      .map((row) => row[7]!);
    expect(new Set(losses)).toEqual(new Set(['']));
  });
});
