import { describe, expect, it } from 'vitest';
import {
  GPU_CATALOG,
  GPU_NAMES,
  UnknownGpuError,
  catalogEntry,
  gpuSpec,
  nearestGpuNames,
  resolveGpu,
} from '../../src/hardware/gpu-catalog.ts';
import { PRECISIONS } from '../../src/hardware/device-spec.ts';

const REQUIRED = [
  'V100-16GB',
  'V100-32GB',
  'A100-40GB',
  'A100-80GB',
  'H100-SXM',
  'H100-PCIe',
  'H200',
  'L4',
  'T4',
  'A10',
  'MI250X',
  'MI300X',
  'RTX-4090',
];

describe('GPU catalog', () => {
  it('holds every required GPU, each with a source and sane numbers', () => {
    expect(GPU_NAMES).toEqual(expect.arrayContaining(REQUIRED));
    expect(new Set(GPU_NAMES).size).toBe(GPU_NAMES.length);
    for (const { spec, source } of GPU_CATALOG) {
      expect(source).toMatch(/https:\/\//);
      expect(spec.defaultEfficiency).toBeGreaterThan(0);
      expect(spec.defaultEfficiency).toBeLessThanOrEqual(1);
      // Lower precision never has a lower peak than fp32 on these parts.
      for (const p of PRECISIONS) {
        const r = spec.peak[p];
        if (r !== undefined) expect(r).toBeGreaterThanOrEqual(spec.peak.fp32);
      }
      expect(spec.memoryBandwidth).toBeGreaterThan(1e11);
      expect(spec.memoryBytes).toBeGreaterThanOrEqual(16 * 2 ** 30);
    }
  });

  it('stores datasheet values in SI units', () => {
    const h = gpuSpec('H100-SXM');
    expect(h.peak.bf16).toBe(989.5e12);
    expect(h.peak.fp8).toBe(1979e12);
    expect(h.memoryBandwidth).toBe(3.35e12);
    expect(h.memoryBytes).toBe(80 * 2 ** 30);
    expect(gpuSpec('T4').peak.tf32).toBeUndefined();
  });

  it('finds names ignoring case, spaces, dashes and underscores', () => {
    expect(gpuSpec('h100-sxm').name).toBe('H100-SXM');
    expect(gpuSpec('H100 SXM').name).toBe('H100-SXM');
    expect(gpuSpec('rtx4090').name).toBe('RTX-4090');
    expect(catalogEntry('mi300x').spec.vendor).toBe('AMD');
  });

  it('suggests the nearest names and lists all known ones for an unknown name', () => {
    expect(nearestGpuNames('H100-SMX')[0]).toBe('H100-SXM');
    expect(() => gpuSpec('A100-80G')).toThrow(UnknownGpuError);
    expect(() => gpuSpec('A100-80G')).toThrow(/unknown GPU "A100-80G"; did you mean A100-80GB/);
    expect(() => gpuSpec('A100-80G')).toThrow(new RegExp(`Known GPUs: ${GPU_NAMES.join(', ')}`));
    expect(() => resolveGpu('B300', 'nodes[2].gpu')).toThrow(/^nodes\[2\]\.gpu: unknown GPU "B300"/);
  });

  it('resolves inline specs through the custom-spec validator', () => {
    const s = resolveGpu({ name: 'x', peakFlops: { fp32: 1, fp16: 2 }, memoryBandwidth: 3, memoryBytes: 4 });
    expect(s.name).toBe('x');
  });

  it('gives every GPU its SM (CU) count from the architecture whitepapers', () => {
    for (const { spec } of GPU_CATALOG)
      expect(Number.isInteger(spec.multiprocessors) && spec.multiprocessors! >= 1).toBe(true);
    expect(['V100-16GB', 'A100-80GB', 'H100-SXM', 'MI300X'].map((n) => gpuSpec(n).multiprocessors)).toEqual([
      80, 108, 132, 304,
    ]);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(GPU_CATALOG)).toBe(true);
    expect(Object.isFrozen(GPU_CATALOG[0]!.spec)).toBe(true);
  });
});
