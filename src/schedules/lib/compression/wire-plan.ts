/**
 * The wire face of compression: the tensors of the TIMED profile and the collective calls one step
 * makes per worker. The timed model (resnet50, gpt2, …) is not the trained proxy, so its tensor
 * shapes come from the profile's layers, not from the trainer's layout.
 */
import type { LayerProfile } from '../../../workload/types.ts';
import type { Compressor } from './types.ts';

/** `count` identical tensors viewed as rows × cols matrices (rows = 1: a vector). */
export interface WireTensor {
  readonly rows: number;
  readonly cols: number;
  readonly count: number;
}

/** One collective call of a step: its kind, the bytes one worker contributes, and a trace label. */
export interface WireCall {
  readonly collective: 'all-reduce' | 'all-gather';
  readonly bytes: number;
  readonly label: string;
}

/**
 * The gradient tensors of a timed profile. A `gemm`/`conv` layer with one product per sample
 * (`count` 1) whose `n·k` fits in its params holds ⌊params/(n·k)⌋ weight matrices of k × n (k: the
 * reduction, input features or C·R·S; n: outputs), matching `matrixView` of tfjs's [in, out] and
 * [kh, kw, in, out] kernels, and the rest (the bias) as one vector. Every other layer with
 * parameters (norms, embeddings, attention scores have none) is one vector.
 *
 * Approximations, stated: fused entries stay one matrix (GPT-2's c_attn is one d × 3d matrix, as
 * there; Llama's separate q, k, v and SwiGLU's gate and up become one wider matrix each); an
 * embedding table (no `gemm`) is a vector, so PowerSGD sends it uncompressed where PyTorch would
 * compress the vocab × d matrix.
 */
export function profileTensors(layers: readonly LayerProfile[]): WireTensor[] {
  const out: WireTensor[] = [];
  for (const l of layers) {
    if (!(l.params > 0)) continue;
    const g = l.gemm;
    const size = g === undefined ? 0 : g.n * g.k;
    if (g !== undefined && g.count === 1 && size > 0 && size <= l.params) {
      const matrices = Math.floor(l.params / size);
      out.push({ rows: g.k, cols: g.n, count: matrices });
      const rest = l.params - matrices * size;
      if (rest > 0) out.push({ rows: 1, cols: rest, count: 1 });
    } else {
      out.push({ rows: 1, cols: l.params, count: 1 });
    }
  }
  return out;
}

/**
 * The collective calls one worker makes per step: tensors grouped by compressor (one compressor has
 * one collective), in order of first use, each group's bytes split evenly over the compressor's
 * `rounds` calls (PowerSGD's P and Q rounds are timed as equal halves). `pick(i)` is the compressor
 * of `tensors[i]`. Groups of zero bytes make no call.
 */
export function wirePlan(
  pick: (tensorIndex: number) => Compressor,
  tensors: readonly WireTensor[],
  valueBytes: number,
): readonly WireCall[] {
  const groups = new Map<Compressor, number>();
  tensors.forEach((t, i) => {
    const c = pick(i);
    groups.set(c, (groups.get(c) ?? 0) + t.count * c.wireBytes(t.rows, t.cols, valueBytes));
  });
  const calls: WireCall[] = [];
  for (const [c, bytes] of groups) {
    if (!(bytes > 0)) continue;
    for (let r = 0; r < c.rounds; r++) {
      const label = c.rounds > 1 ? `${c.label} (${r + 1}/${c.rounds})` : c.label;
      calls.push({ collective: c.collective, bytes: bytes / c.rounds, label });
    }
  }
  return calls;
}
