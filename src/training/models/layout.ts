/**
 * Flat parameter layouts. A model's parameters are ONE flat `Float32Array`; the layout says which
 * slice is which tensor, so the rest of dtsim (optimizers, collectives, compression) works on plain
 * arrays and never sees a tensor.
 */
import type { Rng } from '../../core/rng.ts';

/** How a parameter tensor is initialised. */
export type InitScheme = 'glorot-uniform' | 'he-uniform' | 'lecun-uniform' | 'zeros';

/**
 * How a run initialises a model's weights (`workload.model.init`). `relu-he`, the default, keeps each
 * tensor's own scheme: He uniform where a ReLU follows (hidden dense layers, convolutions), Glorot
 * uniform on the output layer. The others apply one scheme to every weight tensor: `glorot-uniform` is
 * Keras's default for every layer; `lecun-uniform`, U(±√(3/fanIn)), is close to PyTorch's default for
 * Linear and Conv weights (U(±1/√fanIn)), which `pytorch-uniform` gives exactly. Biases are zero in
 * every case.
 */
export type WeightInit = 'relu-he' | 'he-uniform' | 'glorot-uniform' | 'lecun-uniform' | 'pytorch-uniform';

/** Every `WeightInit`, default first. */
export const WEIGHT_INITS: readonly WeightInit[] = Object.freeze([
  'relu-he',
  'he-uniform',
  'glorot-uniform',
  'lecun-uniform',
  'pytorch-uniform',
]);

/** One named tensor inside a flat parameter vector. */
export interface LayoutEntry {
  /** Unique name, e.g. `dense0/kernel`. */
  readonly name: string;
  /** Tensor shape; a dense kernel is `[in, out]`, a conv filter `[kh, kw, in, out]`. */
  readonly shape: readonly number[];
  /** First index of this tensor in the flat vector. */
  readonly offset: number;
  /** Number of scalars (product of `shape`). */
  readonly size: number;
  /** Initialisation rule. */
  readonly init: InitScheme;
  /** Inputs feeding one output unit (for Glorot/He). */
  readonly fanIn: number;
  /** Outputs fed by one input unit (for Glorot). */
  readonly fanOut: number;
}

/** Where every tensor lives in a flat parameter vector. Entries are contiguous, in order. */
export interface ParamLayout {
  /** The tensors, in storage order; `entries[i+1].offset === entries[i].offset + entries[i].size`. */
  readonly entries: readonly LayoutEntry[];
  /** Total scalars: the length of the flat vector. */
  readonly size: number;
}

/** A tensor description before offsets are assigned. */
export type EntrySpec = Omit<LayoutEntry, 'offset' | 'size'>;

/**
 * Packs entries back to back into a layout.
 * @throws RangeError on a duplicate name or a non-positive / non-integer dimension.
 */
export function buildLayout(specs: readonly EntrySpec[]): ParamLayout {
  const entries: LayoutEntry[] = [];
  const names = new Set<string>();
  let offset = 0;
  for (const s of specs) {
    if (names.has(s.name)) throw new RangeError(`duplicate parameter name ${s.name}`);
    names.add(s.name);
    let size = 1;
    for (const d of s.shape) {
      if (!Number.isInteger(d) || d <= 0)
        throw new RangeError(`${s.name}: bad dimension ${d} in [${s.shape.join(', ')}]`);
      size *= d;
    }
    entries.push({ ...s, offset, size });
    offset += size;
  }
  return { entries, size: offset };
}

/** The entry called `name`. @throws RangeError listing the known names if absent. */
export function layoutEntry(layout: ParamLayout, name: string): LayoutEntry {
  const e = layout.entries.find((x) => x.name === name);
  if (e === undefined) {
    throw new RangeError(`no parameter ${name}; known: ${layout.entries.map((x) => x.name).join(', ')}`);
  }
  return e;
}

/** A view (no copy) of one entry's slice of `flat`. */
export function entryView(flat: Float32Array, e: LayoutEntry): Float32Array {
  return flat.subarray(e.offset, e.offset + e.size);
}

/** The half-width of the uniform distribution a weight tensor is drawn from. */
function uniformLimit(scheme: WeightInit, e: LayoutEntry): number {
  const own = scheme === 'relu-he' ? e.init : scheme;
  switch (own) {
    case 'he-uniform':
      return Math.sqrt(6 / e.fanIn);
    case 'lecun-uniform':
      return Math.sqrt(3 / e.fanIn);
    case 'pytorch-uniform':
      return 1 / Math.sqrt(e.fanIn);
    default:
      return Math.sqrt(6 / (e.fanIn + e.fanOut));
  }
}

/**
 * Fresh parameters drawn from `rng`: each weight tensor uniform within ±limit (Glorot √(6/(fanIn+fanOut)),
 * He √(6/fanIn), LeCun √(3/fanIn), PyTorch 1/√fanIn; which one per tensor follows `init`, see
 * `WeightInit`), biases zero. Entries draw in layout order, one draw per weight whatever the scheme,
 * so equal seeds give equal vectors and the schemes differ only in scale.
 */
export function initParams(layout: ParamLayout, rng: Rng, init: WeightInit = 'relu-he'): Float32Array {
  const out = new Float32Array(layout.size);
  for (const e of layout.entries) {
    if (e.init === 'zeros') continue;
    const limit = uniformLimit(init, e);
    for (let i = e.offset; i < e.offset + e.size; i++) out[i] = rng.uniform(-limit, limit);
  }
  return out;
}
