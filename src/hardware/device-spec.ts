/**
 * What the simulator knows about one accelerator: peak dense FLOP/s per numeric precision, memory
 * bandwidth and size, and the fraction of peak that real kernels reach. Catalog entries and inline
 * custom specs from scenarios both end up as a `DeviceSpec`; `defineDeviceSpec` is the one gate that
 * checks a custom spec, so every spec the rest of the program sees is valid.
 */
import { bytes, bytesPerSecond, flopsPerSecond } from '../core/units.ts';
import type { Bytes, BytesPerSecond, FlopsPerSecond } from '../core/units.ts';

/** Numeric precisions a kernel can run in. `tf32` means fp32 tensors with TF32 tensor-core math. */
export type Precision = 'fp32' | 'tf32' | 'fp16' | 'bf16' | 'fp8';

/** All precisions, in a stable order for listings and error messages. */
export const PRECISIONS: readonly Precision[] = ['fp32', 'tf32', 'fp16', 'bf16', 'fp8'];

/**
 * Peak dense (no structured sparsity) FLOP/s per precision. `fp32` and `fp16` exist on every device;
 * the others are absent where the hardware has no such mode (TF32 before Ampere, BF16 before
 * Ampere/CDNA2, FP8 before Hopper/Ada/CDNA3), and asking for them is an error, not a fallback.
 */
export interface PeakFlops {
  readonly fp32: FlopsPerSecond;
  readonly tf32?: FlopsPerSecond;
  readonly fp16: FlopsPerSecond;
  readonly bf16?: FlopsPerSecond;
  readonly fp8?: FlopsPerSecond;
}

/** One accelerator model. Invariants: every rate > 0 and finite, 0 < defaultEfficiency ≤ 1. */
export interface DeviceSpec {
  /** Catalog or user name, e.g. `A100-80GB`. */
  readonly name: string;
  /** Maker, e.g. `NVIDIA`, `AMD`, or `custom`. */
  readonly vendor: string;
  /** Peak dense FLOP/s per precision. */
  readonly peak: PeakFlops;
  /** Peak device-memory bandwidth in B/s. */
  readonly memoryBandwidth: BytesPerSecond;
  /** Device memory in bytes. */
  readonly memoryBytes: Bytes;
  /** Fraction of peak FLOP/s that real kernels reach, in (0, 1]. A modelling choice, not a datasheet number. */
  readonly defaultEfficiency: number;
  /**
   * Streaming multiprocessors (NVIDIA) or compute units (AMD): the workers a GEMM's output tiles are
   * spread over, for wave quantisation (hardware/compute-efficiency.ts). Absent: no wave quantisation.
   */
  readonly multiprocessors?: number;
}

/** Lowest efficiency a spec or scenario may give (0.1% of peak). */
export const MIN_EFFICIENCY = 0.001;

/** Default kernel efficiency for custom specs that give none: a typical dense-GEMM-heavy layer mix. */
export const DEFAULT_EFFICIENCY = 0.6;

/**
 * Peak FLOP/s of `spec` in `precision`.
 * @throws RangeError if the device has no such mode, naming the device and the precisions it has.
 */
export function peakFlops(spec: DeviceSpec, precision: Precision): FlopsPerSecond {
  const p = spec.peak[precision];
  if (p === undefined) {
    const has = PRECISIONS.filter((q) => spec.peak[q] !== undefined).join(', ');
    throw new RangeError(`${spec.name} has no ${precision} mode; it supports ${has}`);
  }
  return p;
}

/** Error for a bad field of a custom spec: names the path, the value and what is allowed. */
export class DeviceSpecError extends Error {
  /** Path of the bad field, e.g. `nodes[0].gpu.peakFlops.fp16`. */
  readonly path: string;
  constructor(path: string, value: unknown, allowed: string) {
    super(`${path}: got ${describe(value)}; expected ${allowed}`);
    this.name = 'DeviceSpecError';
    this.path = path;
  }
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function positive(v: unknown, path: string, unit: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new DeviceSpecError(path, v, `a finite number > 0 in ${unit}`);
  }
  return v;
}

const SPEC_KEYS = ['name', 'vendor', 'peakFlops', 'memoryBandwidth', 'memoryBytes', 'efficiency', 'multiprocessors'];

/**
 * Validates an inline custom spec and returns it as a `DeviceSpec`. The input uses plain SI numbers:
 * `{ name, vendor?, peakFlops: { fp32, fp16, tf32?, bf16?, fp8? } (FLOP/s), memoryBandwidth (B/s),
 * memoryBytes (B), efficiency?, multiprocessors? }`. `vendor` defaults to `custom`, `efficiency` to
 * `DEFAULT_EFFICIENCY`. Unknown keys are rejected so that a typo does not pass silently.
 * @param path where the object sits in the scenario, used as the prefix of error paths.
 * @throws DeviceSpecError naming the first bad field, its value and what is allowed.
 */
export function defineDeviceSpec(input: unknown, path = 'gpu'): DeviceSpec {
  if (!isRecord(input)) throw new DeviceSpecError(path, input, 'a catalog GPU name or a spec object');
  for (const k of Object.keys(input)) {
    if (!SPEC_KEYS.includes(k))
      throw new DeviceSpecError(`${path}.${k}`, input[k], `no such field (known: ${SPEC_KEYS.join(', ')})`);
  }
  const name = input['name'];
  if (typeof name !== 'string' || name.trim() === '')
    throw new DeviceSpecError(`${path}.name`, name, 'a non-empty string');
  const vendor = input['vendor'] ?? 'custom';
  if (typeof vendor !== 'string' || vendor.trim() === '')
    throw new DeviceSpecError(`${path}.vendor`, vendor, 'a non-empty string');
  const pf = input['peakFlops'];
  if (!isRecord(pf))
    throw new DeviceSpecError(
      `${path}.peakFlops`,
      pf,
      `an object with FLOP/s per precision (${PRECISIONS.join(', ')})`,
    );
  for (const k of Object.keys(pf)) {
    if (!(PRECISIONS as readonly string[]).includes(k)) {
      throw new DeviceSpecError(`${path}.peakFlops.${k}`, pf[k], `a precision among ${PRECISIONS.join(', ')}`);
    }
  }
  const rate = (k: Precision): FlopsPerSecond => flopsPerSecond(positive(pf[k], `${path}.peakFlops.${k}`, 'FLOP/s'));
  const optional = (k: Precision): { [K in Precision]?: FlopsPerSecond } =>
    pf[k] === undefined ? {} : { [k]: rate(k) };
  const peak: PeakFlops = {
    fp32: rate('fp32'),
    fp16: rate('fp16'),
    ...optional('tf32'),
    ...optional('bf16'),
    ...optional('fp8'),
  };
  const memoryBandwidth = bytesPerSecond(positive(input['memoryBandwidth'], `${path}.memoryBandwidth`, 'B/s'));
  const memoryBytes = bytes(positive(input['memoryBytes'], `${path}.memoryBytes`, 'bytes'));
  const eff = input['efficiency'] ?? DEFAULT_EFFICIENCY;
  // At least 0.1%: a lower efficiency is not a GPU, and times divided by it must stay finite.
  if (typeof eff !== 'number' || !(eff >= MIN_EFFICIENCY && eff <= 1)) {
    throw new DeviceSpecError(`${path}.efficiency`, eff, `a fraction of peak in [${MIN_EFFICIENCY}, 1]`);
  }
  const sms = input['multiprocessors'];
  if (sms !== undefined && !(typeof sms === 'number' && Number.isInteger(sms) && sms >= 1))
    throw new DeviceSpecError(`${path}.multiprocessors`, sms, 'a whole number >= 1 (SMs or CUs)');
  const spec = { name, vendor, peak, memoryBandwidth, memoryBytes, defaultEfficiency: eff };
  return sms === undefined ? spec : { ...spec, multiprocessors: sms };
}
