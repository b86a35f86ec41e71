import { beforeAll, describe, expect, it } from 'vitest';
import { Crew } from '../../../src/schedules/lib/crew.ts';
import { ParamServer, serverLayout, serverLayoutProblems } from '../../../src/schedules/lib/param-server.ts';
import { EMPTY_GRAD } from '../../../src/schedules/lib/trainer.ts';
import { initBackend } from '../../../src/training/tensor-backend.ts';
import { drive, tinySetup } from './setup.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

// One transfer of n bytes between two nodes of the fixture: α + n/B = 6 µs + n / 12.5 GB/s.
const hop = (n: number): number => 6e-6 + n / 12.5e9;

describe('serverLayout', () => {
  it('co-locates shard servers on ranks 0..k−1, or puts them on the last k ranks, which then do not train', () => {
    expect(serverLayout(4, 2, 'colocated')).toEqual({ trainers: [0, 1, 2, 3], servers: [0, 1] });
    expect(serverLayout(4, 1, 'dedicated')).toEqual({ trainers: [0, 1, 2], servers: [3] });
    expect(serverLayoutProblems(4, 4, 'colocated')).toEqual([]);
    expect(serverLayoutProblems(4, 5, 'colocated')[0]).toMatch(/^shards must be an integer in \[1, 4\]/);
    expect(serverLayoutProblems(4, 4, 'dedicated')[0]).toMatch(/^shards must be an integer in \[1, 3\]/);
  });
});

describe('ParamServer', () => {
  it('pulls over the network from every server but the worker’s own rank', () => {
    const setup = tinySetup({ workers: 3, paramBytes: 4e6 });
    const ps = new ParamServer(setup.ctx, new Crew(setup.ctx), [0, 1]);
    const end = drive(setup, function* () {
      const read = yield* ps.pull(1);
      expect(Array.from(read.versions)).toEqual([0, 0]);
    });
    // Worker 1 holds shard 1; shard 0 (2 MB) comes from rank 0.
    expect(end).toBeCloseTo(hop(2e6), 12);
    expect(setup.comm.bytesSentPerRank[0]).toBe(2e6);
  });

  it('applies each slice on arrival and replies with the shard just after that apply', () => {
    const setup = tinySetup({ workers: 3, paramBytes: 4e6, batchSize: 8 });
    const crew = new Crew(setup.ctx);
    const ps = new ParamServer(setup.ctx, crew, [2]); // a dedicated-style server on rank 2
    const end = drive(setup, function* () {
      const r0 = yield* ps.pull(0);
      const r1 = yield* ps.pull(1);
      const a = yield* ps.push(0, EMPTY_GRAD, r0);
      // Worker 0's own apply is in what it reads next: version 1.
      expect(Array.from(a.versions)).toEqual([1]);
      const b = yield* ps.push(1, EMPTY_GRAD, r1);
      expect(Array.from(b.versions)).toEqual([2]);
    });
    // Two pulls, then two pushes with their replies, one after another: 6 hops of 4 MB.
    expect(end).toBeCloseTo(6 * hop(4e6), 12);
    const rows = [...setup.recorder.updateRows()];
    expect(rows.map((r) => [r.worker, r.versionRead, r.versionApplied])).toEqual([
      [0, 0, 0],
      [1, 0, 1],
    ]);
    expect(setup.progress.updates).toBe(2);
    expect(setup.progress.samples).toBe(16);
  });

  it('scales each slice’s learning rate by its policy, from the staleness it sees', () => {
    const setup = tinySetup({ mode: 'full', workers: 2 });
    const seen: number[] = [];
    const ps = new ParamServer(setup.ctx, new Crew(setup.ctx), [0], {
      lrScale: (at) => {
        seen.push(at.tau);
        return 1 / Math.max(1, at.tau);
      },
    });
    drive(setup, function* () {
      const r0 = yield* ps.pull(0);
      const r1 = yield* ps.pull(1);
      const g0 = setup.trainer.gradient(r0.snapshot, 0);
      const g1 = setup.trainer.gradient(r1.snapshot, 1);
      yield* ps.push(0, g0, r0);
      yield* ps.push(1, g1, r1);
    });
    expect(seen).toEqual([0, 1]);
  });

  it('composes a read from shards replied at different times (an inconsistent snapshot, spec §3)', () => {
    const setup = tinySetup({ mode: 'full', workers: 2 });
    const { trainer } = setup;
    const ps = new ParamServer(setup.ctx, new Crew(setup.ctx), [0, 1]);
    drive(setup, function* () {
      const r0 = yield* ps.pull(0);
      const r1 = yield* ps.pull(1);
      // Worker 0 pushes: its shard 0 lands at once, shard 1 after a hop; the replies differ in time.
      const g0 = trainer.gradient(r0.snapshot, 0);
      const read = yield* ps.push(0, g0, r0);
      expect(Array.from(read.versions)).toEqual([1, 1]);
      const half = Math.floor(trainer.paramCount / 2);
      const expected = trainer.apply(trainer.optimizer(), r0.snapshot, g0, 2);
      expect(Array.from(read.snapshot.params.subarray(0, half))).toEqual(Array.from(expected.params.subarray(0, half)));
      expect(Array.from(read.snapshot.params.subarray(half))).toEqual(Array.from(expected.params.subarray(half)));
      void r1;
    });
  });

  it('applies the gradient a transform returns (DC-ASGD style), seeing the read and the current weights', () => {
    const setup = tinySetup({ mode: 'full', workers: 2 });
    const { trainer } = setup;
    const seen: number[] = [];
    // A transform that doubles the gradient: with plain SGD that is a step of twice the size.
    const ps = new ParamServer(setup.ctx, new Crew(setup.ctx), [0], {
      transform: (g, at) => {
        seen.push(at.read.version, at.current.version);
        return trainer.math.scale(2, g);
      },
    });
    drive(setup, function* () {
      const r0 = yield* ps.pull(0);
      const g = trainer.gradient(r0.snapshot, 0);
      const next = yield* ps.push(0, g, r0);
      const twice = trainer.apply(trainer.optimizer(), r0.snapshot, trainer.math.scale(2, g.value().grad), 1);
      expect(Array.from(next.snapshot.params)).toEqual(Array.from(twice.params));
    });
    expect(seen).toEqual([0, 0]);
  });

  it('hands the worker the view its policy makes of each read (SSP’s cache)', () => {
    const setup = tinySetup({ workers: 2 });
    const views: number[] = [];
    const ps = new ParamServer(setup.ctx, new Crew(setup.ctx), [1], {
      view: (w) => {
        views.push(w);
        return { snapshot: setup.progress.current, versions: Int32Array.of(99) };
      },
    });
    drive(setup, function* () {
      const r = yield* ps.pull(0);
      expect(Array.from(r.versions)).toEqual([99]);
      const next = yield* ps.push(0, EMPTY_GRAD, { snapshot: r.snapshot, versions: Int32Array.of(0) });
      expect(Array.from(next.versions)).toEqual([99]);
    });
    expect(views).toEqual([0, 0]);
  });
});
