import { describe, expect, it } from 'vitest';
import { MemoryLedger, OutOfMemoryError } from '../../src/hardware/memory-ledger.ts';
import { activationBytes, modelStateBytes, profileParams } from '../../src/workload/memory.ts';
import type { TimingProfile } from '../../src/workload/types.ts';

describe('MemoryLedger', () => {
  it('tracks use, peak and tags per rank, and frees', () => {
    const m = new MemoryLedger([100, 50], false, ['A100', 'V100']);
    const a = m.alloc(0, 40, 'weights');
    const b = m.alloc(0, 30, 'activations');
    m.alloc(1, 10, 'grads');
    expect(m.used(0)).toBe(70);
    expect(m.byTag(0)).toMatchObject({ weights: 40, activations: 30, grads: 0 });
    m.free(b);
    expect(m.used(0)).toBe(40);
    expect(m.peak(0)).toBe(70);
    expect(m.maxPeak()).toBe(70);
    expect(m.capacity(1)).toBe(50);
    expect(() => m.free(b)).toThrow(/not live/);
    m.free(a);
    expect(m.used(0)).toBe(0);
  });

  it('refuses an allocation past capacity with the GPU, capacity, breakdown and the way out', () => {
    const m = new MemoryLedger([2 ** 30], false, ['V100']);
    m.alloc(0, 2 ** 29, 'weights');
    let err: unknown;
    try {
      m.alloc(0, 2 ** 30, 'activations');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OutOfMemoryError);
    const msg = (err as Error).message;
    expect(msg).toContain('rank 0');
    expect(msg).toContain('V100');
    expect(msg).toContain('capacity 1.00 GiB');
    expect(msg).toContain('weights 0.50 GiB');
    expect(msg).toContain('requested 1.00 GiB of activations');
    expect(msg).toContain('set cluster.allowOversubscribe: true to run anyway');
    // The failed request left nothing behind.
    expect(m.used(0)).toBe(2 ** 29);
  });

  it('records an oversubscription when allowed, and the peak shows it', () => {
    const m = new MemoryLedger([10], true);
    m.alloc(0, 25, 'stash');
    expect(m.peak(0)).toBe(25);
    expect(m.fits(0, 1)).toBe(false);
  });
});

describe('memory formulas', () => {
  const profile: TimingProfile = {
    name: 't',
    description: '',
    source: '',
    sample: 'vector',
    bytesPerValue: 4,
    layers: [
      { name: 'a', params: 100, forwardFlopsPerSample: 1, activationBytesPerSample: 8 },
      { name: 'b', params: 50, forwardFlopsPerSample: 1, activationBytesPerSample: 4 },
    ],
  };
  it('model state is weights + grads + slots × weights', () => {
    const p = profileParams(profile);
    expect(p).toBe(150);
    expect(modelStateBytes({ params: p, bytesPerValue: 4, optimizerSlots: 2 })).toEqual({
      weights: 600,
      grads: 600,
      optimizer: 1200,
      total: 2400,
    });
  });
  it('activations are Σ layers × rows', () => {
    expect(activationBytes(profile, 32)).toBe(12 * 32);
  });
});

describe('MemoryLedger.grow and shrink (counted use without handles)', () => {
  it('adds to use and peak like alloc, refuses past capacity, and shrinks back', () => {
    const m = new MemoryLedger([100], false, ['G']);
    m.grow(0, 60, 'activations');
    m.grow(0, 30, 'activations');
    expect(m.used(0)).toBe(90);
    expect(() => m.grow(0, 20, 'activations')).toThrow(/out of GPU memory on rank 0 \(G.*activations/);
    m.shrink(0, 60, 'activations');
    expect(m.byTag(0).activations).toBe(30);
    expect(m.peak(0)).toBe(90);
    expect(() => m.shrink(0, 31, 'activations')).toThrow(/holds 30/);
    expect(() => m.shrink(0, 1, 'stash')).toThrow(/holds 0/);
  });
});
