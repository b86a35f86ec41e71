import { describe, expect, it } from 'vitest';
import { DEFAULT_EFFICIENCY, DeviceSpecError, defineDeviceSpec, peakFlops } from '../../src/hardware/device-spec.ts';
import { gpuSpec } from '../../src/hardware/gpu-catalog.ts';

const valid = {
  name: 'my-accel',
  peakFlops: { fp32: 1e13, fp16: 8e13, bf16: 8e13 },
  memoryBandwidth: 1e12,
  memoryBytes: 32e9,
};

describe('defineDeviceSpec', () => {
  it('accepts a custom spec and fills vendor and efficiency defaults', () => {
    const s = defineDeviceSpec(valid);
    expect(s).toEqual({
      name: 'my-accel',
      vendor: 'custom',
      peak: { fp32: 1e13, fp16: 8e13, bf16: 8e13 },
      memoryBandwidth: 1e12,
      memoryBytes: 32e9,
      defaultEfficiency: DEFAULT_EFFICIENCY,
    });
    expect(defineDeviceSpec({ ...valid, vendor: 'Acme', efficiency: 0.7 }).defaultEfficiency).toBe(0.7);
  });

  it('names the bad field, its value and what is allowed', () => {
    const bad = (x: unknown, pattern: RegExp): void => {
      expect(() => defineDeviceSpec(x, 'cluster.nodes[1].gpu')).toThrow(DeviceSpecError);
      expect(() => defineDeviceSpec(x, 'cluster.nodes[1].gpu')).toThrow(pattern);
    };
    bad(
      { ...valid, peakFlops: { fp32: 1e13, fp16: -1 } },
      /cluster\.nodes\[1\]\.gpu\.peakFlops\.fp16: got -1; expected a finite number > 0 in FLOP\/s/,
    );
    bad({ ...valid, peakFlops: { fp32: 1e13 } }, /peakFlops\.fp16: got nothing/);
    bad(
      { ...valid, peakFlops: { fp32: 1e13, fp16: 1e14, int8: 1 } },
      /peakFlops\.int8: .*a precision among fp32, tf32, fp16, bf16, fp8/,
    );
    bad(
      { ...valid, memoryBandwidth: '900 GB/s' },
      /memoryBandwidth: got "900 GB\/s"; expected a finite number > 0 in B\/s/,
    );
    bad({ ...valid, efficiency: 1.5 }, /efficiency: got 1.5; expected a fraction of peak in \[0.001, 1\]/);
    bad({ ...valid, name: '' }, /gpu\.name: got ""/);
    bad({ ...valid, memoryBytez: 1 }, /gpu\.memoryBytez: .*no such field/);
    bad(42, /cluster\.nodes\[1\]\.gpu: got 42; expected a catalog GPU name or a spec object/);
  });
});

describe('defineDeviceSpec multiprocessors', () => {
  it('takes an optional whole SM count and names a bad one', () => {
    expect(defineDeviceSpec({ ...valid, multiprocessors: 64 }).multiprocessors).toBe(64);
    expect(defineDeviceSpec(valid).multiprocessors).toBeUndefined();
    expect(() => defineDeviceSpec({ ...valid, multiprocessors: 1.5 }, 'g')).toThrow(
      'g.multiprocessors: got 1.5; expected a whole number >= 1 (SMs or CUs)',
    );
  });
});

describe('peakFlops', () => {
  it('returns the rate of a supported precision', () => {
    expect(peakFlops(gpuSpec('A100-80GB'), 'bf16')).toBe(312e12);
  });

  it('rejects a precision the device lacks instead of falling back', () => {
    expect(() => peakFlops(gpuSpec('V100-32GB'), 'bf16')).toThrow(/V100-32GB has no bf16 mode; it supports fp32, fp16/);
  });
});
