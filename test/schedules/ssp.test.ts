import { describe, expect, it } from 'vitest';
import type { UpdateRecord } from '../../src/results/recorder.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { tinyScenario, type TinyOptions, maxAbsDiff } from './fixtures.ts';

const timing = { mode: 'timing-only' as const, stepTimeS: 0.01, paramBytes: 1e6 };
const lognormal = [{ kind: 'lognormal', options: { sigma: 0.5 } }] as const;

const rowKey = (u: UpdateRecord): string =>
  `${u.timeS}|${u.worker}|${u.stage}|${u.versionRead}|${u.versionApplied}|${u.loss ?? ''}`;

/** Each row's clock: the pushing worker's rows before it (one shard), divided by batchesPerClock. */
function clocks(rows: readonly UpdateRecord[], b: number): number[] {
  const seen = new Map<number, number>();
  return rows.map((u) => {
    const k = seen.get(u.worker) ?? 0;
    seen.set(u.worker, k + 1);
    return Math.floor(k / b);
  });
}

/**
 * The count of updates SSP guarantees a read at clock c of worker p holds (one shard): every update of
 * clocks ≤ c − s − 1 from every worker, plus p's own earlier updates of clocks ≥ c − s (read-my-writes).
 */
function guaranteed(rows: readonly UpdateRecord[], b: number, s: number): number[] {
  const c = clocks(rows, b);
  return rows.map((u, i) => {
    let n = 0;
    for (let r = 0; r < rows.length; r++) {
      if (c[r]! <= c[i]! - s - 1) n++;
      else if (r < i && rows[r]!.worker === u.worker) n++;
    }
    return n;
  });
}

describe('ssp', () => {
  it('with s = 0 runs in lock-step rounds: staleness 0..N−1, mean (N−1)/2', () => {
    // s = 0: nobody starts clock c before everyone finished c − 1, so each round all N workers read
    // the same version and their N gradients land one after another: τ = 0, 1, ..., N−1.
    const n = 6;
    for (const visibility of ['eager', 'lazy']) {
      const r = runScenario(
        tinyScenario({
          ...timing,
          workers: n,
          schedule: 'ssp',
          updates: 600,
          scheduleOptions: { staleness: 0, stagger: false, visibility },
        }),
        0,
      );
      expect(r.meanStaleness, visibility).toBeCloseTo((n - 1) / 2, 12);
      expect(r.maxStaleness).toBe(n - 1);
    }
  });

  it('bounds staleness: s = 0 keeps τ ≤ N−1 under lognormal stragglers, where no bound exceeds it', () => {
    const n = 5;
    const run = (scheduleOptions: NonNullable<TinyOptions['scheduleOptions']>): number =>
      runScenario(
        tinyScenario({ ...timing, workers: n, schedule: 'ssp', updates: 300, scheduleOptions, stragglers: lognormal }),
        0,
      ).maxStaleness!;
    expect(run({ staleness: 0 })).toBeLessThanOrEqual(n - 1);
    expect(run({})).toBeGreaterThan(n - 1);
  });

  it('holds the gate: at every clock start every worker has finished clock c − s (lognormal stragglers)', () => {
    // A worker's clock c starts with its compute span `fwd+bwd clock c`; worker q has finished
    // ⌊(q's rows up to that time) / B⌋ clocks (rows are written when a push lands, and the clock is
    // done at once). Without a gate the same check fails, so it can.
    const n = 4;
    const b = 2;
    const violations = (staleness: number | undefined): number => {
      const r = runScenario(
        tinyScenario({
          ...timing,
          workers: n,
          schedule: 'ssp',
          updates: 120,
          trace: true,
          stragglers: lognormal,
          scheduleOptions: { ...(staleness === undefined ? {} : { staleness }), batchesPerClock: b },
        }),
        0,
      );
      expect(r.traceDropped).toBe(0);
      const rows = [...r.updateRows];
      let bad = 0;
      let starts = 0;
      const s = staleness ?? 1;
      for (const sp of r.spans) {
        const m = /^fwd\+bwd clock (\d+)$/.exec(sp.name);
        if (m === null) continue;
        starts++;
        const c = Number(m[1]);
        for (let q = 0; q < n; q++) {
          const done = Math.floor(rows.filter((u) => u.worker === q && u.timeS <= sp.startS).length / b);
          if (done < c - s) bad++;
        }
      }
      expect(starts).toBeGreaterThan(100);
      return bad;
    };
    expect(violations(1)).toBe(0);
    expect(violations(undefined)).toBeGreaterThan(0);
  });

  it('lazy reads hold exactly the guaranteed updates; eager reads hold at least those, and more', () => {
    // One shard, so versionRead is the number of applies the read holds (eager: the server's
    // version when the reply left; lazy: the count of applies in w0 + Σ guaranteed deltas).
    const n = 4;
    for (const b of [1, 3])
      for (const s of [0, 2]) {
        const run = (visibility: string): UpdateRecord[] => [
          ...runScenario(
            tinyScenario({
              ...timing,
              workers: n,
              schedule: 'ssp',
              updates: 150,
              stragglers: lognormal,
              scheduleOptions: { staleness: s, batchesPerClock: b, visibility },
            }),
            0,
          ).updateRows,
        ];
        const lazy = run('lazy');
        expect(lazy.map((u) => u.versionRead)).toEqual(guaranteed(lazy, b, s));
        const eager = run('eager');
        const g = guaranteed(eager, b, s);
        eager.forEach((u, i) => expect(u.versionRead).toBeGreaterThanOrEqual(g[i]!));
        // s = 0, B = 1: the one read of clock c is taken at its start, when no worker can have pushed
        // a clock-c update (nobody starts c before the reader finished c − 1, and the reader's reply or
        // pull follows its own last push); so eager holds exactly the guarantee too. With B > 1, later
        // batches see the others' clock-c pushes.
        const more = eager.filter((u, i) => u.versionRead > g[i]!).length;
        if (s === 0 && b === 1) expect(more).toBe(0);
        else expect(more, `B ${b}, s ${s}`).toBeGreaterThan(0);
      }
  });

  it('with s = ∞, one batch per clock and eager reads is async-ps: the same rows, the same final weights', async () => {
    // No gate and a cache never older than c − ∞: every read is the server's reply, as in async-ps.
    // stagger: false, because each schedule's random stream is forked by its name.
    await initBackend('wasm');
    for (const mode of ['timing-only', 'full'] as const) {
      const common = { workers: 4, updates: 60, mode, stragglers: lognormal, optimizer: 'momentum' };
      const ssp = runScenario(
        tinyScenario({ ...common, schedule: 'ssp', scheduleOptions: { stagger: false, shards: 2 } }),
        0,
      );
      const ps = runScenario(
        tinyScenario({ ...common, schedule: 'async-ps', scheduleOptions: { stagger: false, shards: 2 } }),
        0,
      );
      expect(ssp.updateRows.length).toBeGreaterThan(100);
      expect([...ssp.updateRows].map(rowKey)).toEqual([...ps.updateRows].map(rowKey));
      if (mode === 'full') expect(Array.from(ssp.finalParams!)).toEqual(Array.from(ps.finalParams!));
    }
  });

  it('lazy with s = 0 and plain SGD is synchronous SGD at N× the learning rate, and eager with s = 2 is not', async () => {
    // Lazy, s = 0: every read of clock c is w0 + Σ all updates of clocks < c, the same for all N
    // workers, and each applies −η·g_i, so a clock is w ← w − η·Σ g_i = w − (Nη)·mean g_i: one
    // sync-allreduce step at lr Nη on the same per-worker batches, whatever the timing (co-located
    // server, so the data is split into the same N shards as sync's).
    await initBackend('wasm');
    const n = 4;
    const steps = 5;
    const sync = runScenario(tinyScenario({ workers: n, schedule: 'sync-allreduce', updates: steps, lr: 0.2 * n }), 0);
    const run = (scheduleOptions: NonNullable<TinyOptions['scheduleOptions']>): Float32Array =>
      runScenario(tinyScenario({ workers: n, schedule: 'ssp', updates: n * steps, lr: 0.2, scheduleOptions }), 0)
        .finalParams!;
    const lazy = run({ staleness: 0, visibility: 'lazy' });
    expect(maxAbsDiff(lazy, sync.finalParams!)).toBeLessThan(1e-5);
    const eager = run({ staleness: 2, visibility: 'eager' });
    expect(maxAbsDiff(eager, sync.finalParams!)).toBeGreaterThan(1e-4);
  });
});
