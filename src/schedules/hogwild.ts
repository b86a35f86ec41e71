/**
 * Hogwild! (Niu, Recht, Ré, Wright, "HOGWILD!: A Lock-Free Approach to Parallelizing Stochastic
 * Gradient Descent", NIPS 2011; spec/algorithms.md §5): threads share ONE parameter vector and update
 * it without locks.
 *
 * Threads: every worker of the run is one thread, and all of them share one vector in one memory
 * (`lib/shared-vector.ts`); no network is used. The paper's threads are CPU cores of one machine:
 * give the scenario one node whose `gpusPerNode` is the thread count, and time a step with custom
 * timing (`stepTime` = the time one thread takes for one sample's read, gradient and write).
 *
 * Timeline of one thread, with no barrier (step time c from the compute model, straggler included;
 * f = `writeShare`):
 *   read x (instant; `lock`: under the lock) ─ gradient on that read, (1 − f)·c ─ (`lock`: acquire)
 *   ─ write, f·c: the gradient's support granules are stored one after another in index order,
 *   store i of m at the middle of the i-th m-th of the write ─ (`lock`: release) ─ the update counts
 *   ─ read again …
 * A read taken while another thread's write is under way is torn: it holds the granules that write
 * has stored so far and not the rest. `writes: racy` makes each store a non-atomic read-modify-write:
 * all the granules are loaded when the write begins and each stored later, overwriting (losing) whatever other
 * threads stored on it in between. `locking: lock` serialises reads and writes behind one lock (a
 * `core/Resource`): no torn reads, no lost updates, and at most one write at a time, which is what
 * caps its throughput at 1/(f·c) whatever the thread count.
 *
 * Math: plain SGD x_v ← x_v − γ·G_v on the support of G, γ = lr(k) of the scenario's learning-rate
 * schedule with k = updates applied so far; the scenario's optimizer must keep no state (sgd). With
 * one thread this is sync-allreduce with one worker, bit for bit.
 *
 * Versions: the model's version counts updates that have finished their write. An update's row has
 * versionRead = the version at its read and versionApplied = the version just before it counts, so
 * τ = updates finished by other threads in between (about threads − 1 in steady state). A read
 * is taken after every update that finishes at the same instant (ties go to the writers). Per store,
 * a `conflict` is a granule another thread stored to since this thread read it; metrics.csv gets each
 * update's `conflicts` (and `lost_updates` with racy writes) per worker, in full mode only (timing-only
 * mode has no gradients, so no support).
 */
import type { ProcessGenerator } from '../core/process.ts';
import { Resource, type Request } from '../core/resource.ts';
import { seconds } from '../core/units.ts';
import type { ScheduleContext } from './context.ts';
import { Crew } from './lib/crew.ts';
import { SharedVector } from './lib/shared-vector.ts';
import { defineSchedule } from './types.ts';

/** Lock-free shared-memory SGD. */
export const hogwild = defineSchedule({
  name: 'hogwild',
  summary:
    'threads share one parameter vector and write their sparse updates without locks ' +
    '(torn reads, optional lost updates); conflicts counted in metrics.csv',
  reference: 'Niu, Recht, Ré, Wright, "HOGWILD!: A Lock-Free Approach to Parallelizing SGD", NIPS 2011 (spec §5)',
  semantics: 'asynchronous',
  options: {
    granule: {
      type: 'number',
      integer: true,
      min: 1,
      default: 1,
      description: 'coordinates per write granule: 1 is per-coordinate writes; larger is per cache line or row',
    },
    writes: {
      type: 'enum',
      values: ['atomic', 'racy'],
      default: 'atomic',
      description:
        "'atomic': each granule store adds to the value held at the store (no update lost); 'racy': " +
        'all the granules are loaded when the write begins and each stored later, losing stores that landed in between',
    },
    locking: {
      type: 'enum',
      values: ['none', 'lock'],
      default: 'none',
      description: "'none': Hogwild!; 'lock': reads and writes are serialised behind one lock",
    },
    writeShare: {
      type: 'number',
      min: 0,
      max: 1,
      default: 0.5,
      description:
        'fraction f of each step spent writing the update to the shared vector (the rest computes the gradient)',
    },
    lrScaling: {
      type: 'enum',
      values: ['none', 'staleness'],
      default: 'none',
      description: "'staleness': each update's learning rate is lr / max(1, τ), τ in whole-model versions (spec §6)",
    },
    stagger: {
      type: 'boolean',
      default: true,
      description: 'start each thread at a seeded random offset within its first step',
    },
  },
  *start(ctx: ScheduleContext, o): ProcessGenerator<void> {
    const { sim, progress, trainer } = ctx;
    if (trainer.full && trainer.optimizer().stateSlots !== 0) {
      throw new RangeError(
        'hogwild applies plain SGD (x ← x − lr·g on the gradient support); use training.optimizer sgd ' +
          '(without momentum or Adam state)',
      );
    }
    const crew = new Crew(ctx);
    const shared = new SharedVector(progress.current.params, o.granule);
    const lock = o.locking === 'lock' ? new Resource(sim, 1) : null;
    const f = o.writeShare;
    let version = progress.current.version;

    function* acquire(w: number): ProcessGenerator<Request | null> {
      if (lock === null) return null;
      const t = crew.nowS;
      const req = lock.request();
      yield req;
      crew.waitSpan(w, 'lock', t, crew.nowS - t);
      return req;
    }

    function* thread(w: number): ProcessGenerator<void> {
      if (o.stagger)
        yield* crew.until(crew.nowS + ctx.rng.fork('stagger').fork(`thread-${w}`).uniform() * ctx.compute.stepS(w));
      while (progress.running) {
        // A read sees every update that finished at this instant: it waits behind them (zero time).
        yield sim.timeout(seconds(0));
        const readLock = yield* acquire(w);
        const read = shared.read();
        const versionRead = version;
        if (readLock !== null) lock!.release(readLock);
        const grad = trainer.gradient(trainer.snapshot(read.values, versionRead), w);
        const t0 = crew.nowS;
        const c = crew.stepTime(w, t0);
        crew.book(w, t0, (1 - f) * c, 'gradient');
        yield* crew.until(t0 + (1 - f) * c);
        const writeLock = yield* acquire(w);
        const t1 = crew.nowS;
        crew.book(w, t1, f * c, 'write');
        let conflicts = 0;
        let lost = 0;
        if (trainer.full) {
          const g = grad.value().grad;
          // The staleness-aware rate (spec §6) sees τ as it will be recorded: versions since the read.
          const tau = version - versionRead;
          const lr = trainer.lr(version) / (o.lrScaling === 'staleness' ? Math.max(1, tau) : 1);
          const support = shared.support(g);
          const loaded = o.writes === 'racy' ? support.map((j) => shared.load(j)) : undefined;
          for (let i = 0; i < support.length; i++) {
            yield* crew.until(t1 + (f * c * (i + 0.5)) / support.length);
            const out = shared.store(support[i]!, g, lr, read, crew.nowS, loaded?.[i]);
            if (out.conflict) conflicts++;
            lost += out.lost;
          }
        }
        yield* crew.until(t1 + f * c);
        if (writeLock !== null) lock!.release(writeLock);
        const versionApplied = version;
        version += 1;
        crew.row({ worker: w, versionRead, versionApplied, grad });
        crew.commit(trainer.snapshot(shared.values(), version), 1, w, 1);
        if (trainer.full) {
          crew.metric('conflicts', conflicts, w);
          if (o.writes === 'racy') crew.metric('lost_updates', lost, w);
        }
      }
    }
    yield sim.allOf(crew.ranks.map((w) => sim.process(thread(w), `hogwild thread ${w}`)));
  },
});
