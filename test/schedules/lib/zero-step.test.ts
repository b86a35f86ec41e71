import { describe, expect, it } from 'vitest';
import { Crew } from '../../../src/schedules/lib/crew.ts';
import { ZeroStep, type ZeroStepOptions } from '../../../src/schedules/lib/zero-step.ts';
import { drive, tinySetup } from './setup.ts';

const base: ZeroStepOptions = { stage: 1, offload: 'none', algorithm: 'ring', hostMemoryBandwidth: 100e9 };

/** One step on a fresh tiny run: its end time, the collectives it ran and the step's own tally. */
function oneStep(o: Partial<ZeroStepOptions>, timing?: { kind: 'profile'; name: string }) {
  const setup = tinySetup({ workers: 4, paramBytes: 4e6, ...(timing ? { timing } : {}) });
  const crew = new Crew(setup.ctx);
  const step = new ZeroStep(setup.ctx, crew, setup.trainer.optimizer(), { ...base, ...o });
  const end = drive(setup, function* () {
    const next = yield* step.step();
    expect(next.version).toBe(1);
  });
  return { setup, end, step, records: setup.comm.records, gradBytes: setup.ctx.compute.gradBytes };
}

describe('ZeroStep', () => {
  it('stages 1-2: one reduce-scatter of the gradient, then one all-gather of the parameters', () => {
    for (const stage of [1, 2] as const) {
      const { records, step, gradBytes, setup, end } = oneStep({ stage });
      expect(records.map((r) => [r.op, r.sizeBytes])).toEqual([
        ['reduce-scatter', gradBytes],
        ['all-gather', gradBytes],
      ]);
      expect(step.volume).toEqual({
        reduceScatterBytes: gradBytes,
        allGatherBytes: gradBytes,
        hostBytes: 0,
        nvmeBytes: 0,
      });
      // Rows at τ = 0 when the step lands, one commit.
      for (const r of setup.recorder.updateRows())
        expect([r.versionRead, r.versionApplied, r.timeS]).toEqual([0, 0, end]);
      expect(setup.progress.updates).toBe(1);
    }
  });

  it('stage 3: every layer gathered for the forward and again for the backward, its gradient reduce-scattered', () => {
    // ResNet-50 (161 layers, some without parameters: no collective for those).
    const { records, step, gradBytes, setup } = oneStep({ stage: 3 }, { kind: 'profile', name: 'resnet50' });
    const bpv = setup.ctx.compute.profile.bytesPerValue;
    const layers = setup.ctx.compute.profile.layers.map((l) => l.params * bpv).filter((b) => b > 0);
    const gathers = records.filter((r) => r.op === 'all-gather').map((r) => r.sizeBytes);
    // Forward order, then backward order.
    expect(gathers).toEqual([...layers, ...[...layers].reverse()]);
    const scatters = records.filter((r) => r.op === 'reduce-scatter').map((r) => r.sizeBytes);
    expect(scatters).toEqual([...layers].reverse());
    expect(step.volume.allGatherBytes).toBeCloseTo(2 * gradBytes, 3);
    expect(step.volume.reduceScatterBytes).toBeCloseTo(gradBytes, 3);
    // One collective at a time: each starts after the previous one ended.
    for (let i = 1; i < records.length; i++)
      expect(records[i]!.startS).toBeGreaterThanOrEqual(records[i - 1]!.startS + records[i - 1]!.timeS - 1e-15);
  });

  it('stage 3 never finishes before the compute, nor before its communication', () => {
    const { end, records, setup } = oneStep({ stage: 3 }, { kind: 'profile', name: 'resnet50' });
    const comm = records.reduce((s, r) => s + r.timeS, 0);
    const compute = setup.ctx.compute.stepS(0) - (setup.ctx.compute.cost(0).optimizerS ?? 0);
    expect(end).toBeGreaterThanOrEqual(Math.max(comm, compute));
    expect(end).toBeLessThanOrEqual(comm + compute + 1e-12);
  });

  it('offload cpu counts 2Ψw host bytes per step and keeps the collectives of its stage', () => {
    const { step, gradBytes, records } = oneStep({ stage: 2, offload: 'cpu' });
    expect(step.volume.hostBytes).toBe(2 * gradBytes);
    expect(records.map((r) => r.op)).toEqual(['reduce-scatter', 'all-gather']);
  });
});
