/**
 * The built-in GPU catalog. Every number is a dense (no 2:4 sparsity) peak from the vendor's datasheet
 * named in the comment above its entry; where a datasheet prints "X | 2X*" the dense X is used. Memory
 * sizes printed as "80 GB" for HBM/GDDR are binary (GiB) on these parts and are stored as such; memory
 * bandwidths are decimal (1 GB/s = 1e9 B/s) as printed. `defaultEfficiency` is our modelling choice
 * (see docs/hardware.md), not a vendor figure.
 */
import { nearestNames, normalizeName } from '../core/names.ts';
import { GB_PER_S, GIB, TFLOP_PER_S, bytes, bytesPerSecond, flopsPerSecond } from '../core/units.ts';
import { DEFAULT_EFFICIENCY, PRECISIONS, defineDeviceSpec } from './device-spec.ts';
import type { DeviceSpec, PeakFlops, Precision } from './device-spec.ts';

interface Row {
  name: string;
  vendor: string;
  /** TFLOP/s dense per precision. */
  tflops: Partial<Record<Precision, number>> & { fp32: number; fp16: number };
  /** GB/s (decimal). */
  bandwidthGBs: number;
  /** GiB. */
  memoryGiB: number;
  /** Consumer and inference parts reach less of peak in training kernels than SXM parts. */
  efficiency?: number;
  /** SMs (NVIDIA) or CUs (AMD) enabled on the product, from the source named in the entry's comment. */
  sms: number;
}

const V100_DATASHEET =
  'NVIDIA Tesla V100 datasheet (SXM2), https://images.nvidia.com/content/technologies/volta/pdf/volta-v100-datasheet-update-us-1165301-r5.pdf';
const A100_DATASHEET =
  'NVIDIA A100 Tensor Core GPU datasheet (SXM), https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf';
const H100_DATASHEET =
  'NVIDIA H100 Tensor Core GPU datasheet, https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet';

/** Sources, one per catalog entry, for `dtsim list gpus` and docs. */
const ROWS: readonly (Row & { source: string })[] = [
  // V100 SXM2: FP32 15.7 TFLOPS, Tensor (FP16) 125 TFLOPS, HBM2 900 GB/s. No TF32/BF16 on Volta.
  {
    name: 'V100-16GB',
    // V100: 80 SMs (Volta whitepaper, Table 1, Tesla V100)
    sms: 80,
    vendor: 'NVIDIA',
    tflops: { fp32: 15.7, fp16: 125 },
    bandwidthGBs: 900,
    memoryGiB: 16,
    source: V100_DATASHEET,
  },
  {
    name: 'V100-32GB',
    sms: 80,
    vendor: 'NVIDIA',
    tflops: { fp32: 15.7, fp16: 125 },
    bandwidthGBs: 900,
    memoryGiB: 32,
    source: V100_DATASHEET,
  },
  // A100 SXM: FP32 19.5, TF32 156, BF16/FP16 312 TFLOPS; 40GB HBM2 1,555 GB/s, 80GB HBM2e 2,039 GB/s.
  {
    name: 'A100-40GB',
    // A100: 108 SMs (NVIDIA A100 Tensor Core GPU Architecture whitepaper, Table 1)
    sms: 108,
    vendor: 'NVIDIA',
    tflops: { fp32: 19.5, tf32: 156, fp16: 312, bf16: 312 },
    bandwidthGBs: 1555,
    memoryGiB: 40,
    source: A100_DATASHEET,
  },
  {
    name: 'A100-80GB',
    sms: 108,
    vendor: 'NVIDIA',
    tflops: { fp32: 19.5, tf32: 156, fp16: 312, bf16: 312 },
    bandwidthGBs: 2039,
    memoryGiB: 80,
    source: A100_DATASHEET,
  },
  // H100 SXM: FP32 67, TF32 989* → 494.5, BF16/FP16 1,979* → 989.5, FP8 3,958* → 1,979; 80GB, 3.35 TB/s.
  {
    name: 'H100-SXM',
    // H100 SXM5: 132 SMs (NVIDIA H100 Tensor Core GPU Architecture whitepaper, Table 2)
    sms: 132,
    vendor: 'NVIDIA',
    tflops: { fp32: 67, tf32: 494.5, fp16: 989.5, bf16: 989.5, fp8: 1979 },
    bandwidthGBs: 3350,
    memoryGiB: 80,
    source: H100_DATASHEET,
  },
  // H100 PCIe: FP32 51, TF32 756* → 378, BF16/FP16 1,513* → 756.5, FP8 3,026* → 1,513; 80GB, 2 TB/s.
  {
    name: 'H100-PCIe',
    // H100 PCIe: 114 SMs (same whitepaper, Table 2)
    sms: 114,
    vendor: 'NVIDIA',
    tflops: { fp32: 51, tf32: 378, fp16: 756.5, bf16: 756.5, fp8: 1513 },
    bandwidthGBs: 2000,
    memoryGiB: 80,
    source: H100_DATASHEET,
  },
  // H200 SXM: same compute as H100 SXM; 141 GB HBM3e at 4.8 TB/s.
  {
    name: 'H200',
    // H200: the H100 SXM die, 132 SMs
    sms: 132,
    vendor: 'NVIDIA',
    tflops: { fp32: 67, tf32: 494.5, fp16: 989.5, bf16: 989.5, fp8: 1979 },
    bandwidthGBs: 4800,
    memoryGiB: 141,
    source: 'NVIDIA H200 Tensor Core GPU datasheet, https://www.nvidia.com/en-us/data-center/h200/',
  },
  // L4: FP32 30.3, TF32 120* → 60, BF16/FP16 242* → 121, FP8 485* → 242.5; 24GB GDDR6, 300 GB/s.
  {
    name: 'L4',
    // L4: 58 SMs (Ada Lovelace whitepaper, Appendix; AD104 as L4)
    sms: 58,
    vendor: 'NVIDIA',
    tflops: { fp32: 30.3, tf32: 60, fp16: 121, bf16: 121, fp8: 242.5 },
    bandwidthGBs: 300,
    memoryGiB: 24,
    efficiency: 0.5,
    source: 'NVIDIA L4 Tensor Core GPU datasheet, https://www.nvidia.com/en-us/data-center/l4/',
  },
  // T4: FP32 8.1, mixed precision (FP16/FP32) 65 TFLOPS; 16GB GDDR6, 320 GB/s. No TF32/BF16 on Turing.
  {
    name: 'T4',
    // T4: 40 SMs (Turing architecture whitepaper, Tesla T4)
    sms: 40,
    vendor: 'NVIDIA',
    tflops: { fp32: 8.1, fp16: 65 },
    bandwidthGBs: 320,
    memoryGiB: 16,
    efficiency: 0.5,
    source:
      'NVIDIA T4 Tensor Core GPU datasheet, https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/tesla-t4/t4-tensor-core-datasheet-951643.pdf',
  },
  // A10: FP32 31.2, TF32 125* → 62.5, BF16/FP16 250* → 125; 24GB GDDR6, 600 GB/s.
  {
    name: 'A10',
    // A10: 72 SMs (GA102 as A10, NVIDIA A10 datasheet / Ampere GA102 whitepaper)
    sms: 72,
    vendor: 'NVIDIA',
    tflops: { fp32: 31.2, tf32: 62.5, fp16: 125, bf16: 125 },
    bandwidthGBs: 600,
    memoryGiB: 24,
    efficiency: 0.5,
    source: 'NVIDIA A10 Tensor Core GPU datasheet, https://www.nvidia.com/en-us/data-center/products/a10-gpu/',
  },
  // MI250X (whole OAM module, both GCDs): FP32 matrix 95.7, FP16/BF16 383 TFLOPS; 128GB HBM2e, 3.2768 TB/s.
  // fp32 is the matrix-core rate because fp32 GEMMs run on matrix cores on CDNA2. No TF32/FP8.
  {
    name: 'MI250X',
    // MI250X: 220 CUs, 110 per GCD (AMD CDNA2 whitepaper)
    sms: 220,
    vendor: 'AMD',
    tflops: { fp32: 95.7, fp16: 383, bf16: 383 },
    bandwidthGBs: 3276.8,
    memoryGiB: 128,
    source: 'AMD Instinct MI250X product page, https://www.amd.com/en/products/accelerators/instinct/mi200/mi250x.html',
  },
  // MI300X: FP32 163.4, TF32 653.7, FP16/BF16 1,307.4, FP8 2,614.9 TFLOPS (dense); 192GB HBM3, 5.3 TB/s.
  {
    name: 'MI300X',
    // MI300X: 304 CUs (AMD CDNA3 whitepaper)
    sms: 304,
    vendor: 'AMD',
    tflops: { fp32: 163.4, tf32: 653.7, fp16: 1307.4, bf16: 1307.4, fp8: 2614.9 },
    bandwidthGBs: 5300,
    memoryGiB: 192,
    source: 'AMD Instinct MI300X data sheet, https://www.amd.com/en/products/accelerators/instinct/mi300/mi300x.html',
  },
  // RTX 4090: FP32 82.6; tensor with FP32 accumulate (what training uses): TF32 82.6, FP16/BF16 165.2,
  // FP8 330.3 TFLOPS dense; 24GB GDDR6X, 1,008 GB/s.
  {
    name: 'RTX-4090',
    // RTX 4090: 128 SMs (Ada Lovelace whitepaper, Appendix A)
    sms: 128,
    vendor: 'NVIDIA',
    tflops: { fp32: 82.6, tf32: 82.6, fp16: 165.2, bf16: 165.2, fp8: 330.3 },
    bandwidthGBs: 1008,
    memoryGiB: 24,
    efficiency: 0.5,
    source:
      'NVIDIA Ada Lovelace GPU Architecture whitepaper, Appendix A, https://images.nvidia.com/aem-dam/Solutions/geforce/ada/nvidia-ada-gpu-architecture.pdf',
  },
];

function toSpec(r: Row): DeviceSpec {
  const peak: Partial<Record<Precision, ReturnType<typeof flopsPerSecond>>> = {};
  for (const p of PRECISIONS) {
    const t = r.tflops[p];
    if (t !== undefined) peak[p] = flopsPerSecond(t * TFLOP_PER_S);
  }
  return {
    name: r.name,
    vendor: r.vendor,
    peak: peak as PeakFlops,
    memoryBandwidth: bytesPerSecond(r.bandwidthGBs * GB_PER_S),
    memoryBytes: bytes(r.memoryGiB * GIB),
    defaultEfficiency: r.efficiency ?? DEFAULT_EFFICIENCY,
    multiprocessors: r.sms,
  };
}

/** A catalog entry with the datasheet its numbers come from. */
export interface CatalogEntry {
  readonly spec: DeviceSpec;
  /** Datasheet name and URL. */
  readonly source: string;
}

/** Every catalog GPU in a stable order (for `dtsim list gpus`). Frozen. */
export const GPU_CATALOG: readonly CatalogEntry[] = Object.freeze(
  ROWS.map((r) => Object.freeze({ spec: Object.freeze(toSpec(r)), source: r.source })),
);

/** Catalog names, in catalog order. */
export const GPU_NAMES: readonly string[] = Object.freeze(GPU_CATALOG.map((e) => e.spec.name));

// Case, spaces, dashes and underscores do not matter: "h100 sxm" and "H100_SXM" both find H100-SXM.
const BY_KEY = new Map(GPU_CATALOG.map((e) => [normalizeName(e.spec.name), e]));

/** The catalog names nearest to `name` (edit distance on normalised names), closest first. */
export function nearestGpuNames(name: string, count = 2): string[] {
  return nearestNames(name, GPU_NAMES, count);
}

/** Error for an unknown GPU name; the message lists the nearest names and all known ones. */
export class UnknownGpuError extends Error {
  /** @param path where the name sits in the scenario, prefixed to the message when given. */
  constructor(
    readonly requested: string,
    path?: string,
  ) {
    super(
      `${path === undefined ? '' : `${path}: `}unknown GPU "${requested}"; did you mean ${nearestGpuNames(requested).join(' or ')}? Known GPUs: ${GPU_NAMES.join(', ')}`,
    );
    this.name = 'UnknownGpuError';
  }
}

/**
 * The catalog entry for `name`, ignoring case, spaces, dashes and underscores.
 * @param path where the name sits in the scenario; prefixes the error message when given.
 * @throws UnknownGpuError listing the nearest and all known names.
 */
export function catalogEntry(name: string, path?: string): CatalogEntry {
  const e = BY_KEY.get(normalizeName(name));
  if (e === undefined) throw new UnknownGpuError(name, path);
  return e;
}

/** The spec of catalog GPU `name` (see `catalogEntry`). @throws UnknownGpuError */
export function gpuSpec(name: string): DeviceSpec {
  return catalogEntry(name).spec;
}

/**
 * A catalog name or an inline custom spec object, resolved to a `DeviceSpec`.
 * @param path where the value sits in the scenario, for error messages.
 * @throws UnknownGpuError for an unknown name, DeviceSpecError for a bad custom spec.
 */
export function resolveGpu(gpu: unknown, path = 'gpu'): DeviceSpec {
  return typeof gpu === 'string' ? catalogEntry(gpu, path).spec : defineDeviceSpec(gpu, path);
}
