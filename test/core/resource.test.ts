import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/core/simulator.ts';
import { Resource } from '../../src/core/resource.ts';
import type { ProcessGenerator } from '../../src/core/process.ts';
import type { Seconds } from '../../src/core/units.ts';

const s = (x: number) => x as Seconds;

function job(
  sim: Simulator,
  res: Resource,
  name: string,
  arrive: number,
  work: number,
  log: string[],
): ProcessGenerator<void> {
  return (function* () {
    yield sim.timeout(s(arrive));
    const req = res.request();
    yield req;
    log.push(`${name} start ${sim.now}`);
    yield sim.timeout(s(work));
    res.release(req);
    log.push(`${name} end ${sim.now}`);
  })();
}

describe('Resource', () => {
  it('serves requests first come, first served within its capacity', () => {
    const sim = new Simulator();
    const gpu = new Resource(sim, 2);
    const log: string[] = [];
    sim.process(job(sim, gpu, 'a', 0, 4, log));
    sim.process(job(sim, gpu, 'b', 0, 2, log));
    sim.process(job(sim, gpu, 'c', 1, 1, log));
    sim.process(job(sim, gpu, 'd', 1, 1, log));
    sim.run();
    expect(log).toEqual([
      'a start 0',
      'b start 0',
      'b end 2',
      'c start 2',
      'c end 3',
      'd start 3',
      'a end 4',
      'd end 4',
    ]);
  });

  it('integrates busy slots over time into utilisation', () => {
    // One slot busy 0..2 and 3..4 over a 4 s window: 3 / 4.
    const sim = new Simulator();
    const r = new Resource(sim, 1);
    const log: string[] = [];
    sim.process(job(sim, r, 'a', 0, 2, log));
    sim.process(job(sim, r, 'b', 3, 1, log));
    sim.run();
    expect(r.busyTime()).toBeCloseTo(3, 12);
    expect(r.utilization()).toBeCloseTo(0.75, 12);
  });

  it('withdraws a waiting request on cancel and ignores double release', () => {
    const sim = new Simulator();
    const r = new Resource(sim, 1);
    const first = r.request();
    const second = r.request();
    expect(r.queueLength).toBe(1);
    second.cancel();
    expect(r.queueLength).toBe(0);
    r.release(first);
    r.release(first);
    expect(r.count).toBe(0);
    sim.run();
    expect(first.granted).toBe(true);
    expect(second.granted).toBe(false);
  });

  it('rejects a bad capacity and a foreign request', () => {
    const sim = new Simulator();
    expect(() => new Resource(sim, 0)).toThrow(RangeError);
    expect(() => new Resource(sim, 1.5)).toThrow(RangeError);
    const a = new Resource(sim);
    const b = new Resource(sim);
    expect(() => a.release(b.request())).toThrow(/another resource/);
  });
});
