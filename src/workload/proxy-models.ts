/**
 * Profiles of the small models dtsim trains for real (training/models), built from the same
 * architecture hyper-parameters so that a run can be timed by its own model. This file mirrors those
 * architectures instead of importing them: workload/ may import only core/units and core/rng, and a
 * test holds the two sides to the same parameter counts.
 */
import {
  conv2dLayer,
  ELEMENTWISE_FLOPS,
  elementwiseLayer,
  linearLayer,
  maxPoolLayer,
  softmaxCrossEntropyLayer,
} from './layers.ts';
import { checkBytesPerValue, checkPositiveIntegers } from './options.ts';
import type { LayerProfile, TimingProfile } from './types.ts';

const SOURCE = 'dtsim training/models (the trained proxy model)';

function reluLayer(name: string, n: number, bpv: number): LayerProfile {
  return elementwiseLayer(name, {
    elementsIn: n,
    elementsOut: n,
    flopsPerElement: ELEMENTWISE_FLOPS.relu,
    params: 0,
    bytesPerValue: bpv,
  });
}

/**
 * Profile of a dense stack `widths[0] → … → widths[n−1]` with a ReLU after every layer but the last:
 * logistic regression for two widths (`[784, 10]`), an MLP otherwise (`[784, 200, 200, 10]`, FedAvg's
 * 2NN). Entries `dense{l}` match the training layout's names; `relu{l}` and the loss are memory-bound.
 * Named `model:logistic-regression-784-10` or `model:mlp-784-200-200-10`.
 * @throws RangeError with fewer than two widths, a non-positive or fractional width, or a bad bytesPerValue.
 */
export function denseStackProfile(widths: readonly number[], bytesPerValue: number): TimingProfile {
  const bpv = checkBytesPerValue(bytesPerValue);
  if (widths.length < 2)
    throw new RangeError(`a dense stack needs at least input and output widths, got [${widths.join(', ')}]`);
  checkPositiveIntegers(widths, 'dense stack widths');
  const layers: LayerProfile[] = [];
  const last = widths.length - 2;
  for (let l = 0; l <= last; l++) {
    const out = widths[l + 1]!;
    layers.push(
      linearLayer(`dense${l}`, { inFeatures: widths[l]!, outFeatures: out, bias: true, tokens: 1, bytesPerValue: bpv }),
    );
    if (l < last) layers.push(reluLayer(`relu${l}`, out, bpv));
  }
  layers.push(softmaxCrossEntropyLayer(widths[widths.length - 1]!, bpv));
  const kind = widths.length === 2 ? 'logistic-regression' : 'mlp';
  return {
    name: `model:${kind}-${widths.join('-')}`,
    description: `${kind === 'mlp' ? 'MLP' : 'logistic regression'} ${widths.join('-')} (the trained model), one feature vector per sample`,
    source: SOURCE,
    sample: 'vector',
    bytesPerValue: bpv,
    layers,
  };
}

/** Shape of the small CNN, as training/models/cnn.ts takes it, plus the precision to profile at. */
export interface CnnProfileOptions {
  /** Image side in pixels (square images); a positive multiple of 4. Default 28. */
  readonly imageSize?: number;
  /** Input channels. Default 1. */
  readonly channels?: number;
  /** Filters of the two conv layers. Default [8, 16]. */
  readonly filters?: readonly [number, number];
  /** Kernel side of both convs. Default 5. */
  readonly kernel?: number;
  /** Output classes. Default 10. */
  readonly numClasses?: number;
  /** Bytes per value (4 for the fp32 the proxy trains in). */
  readonly bytesPerValue: number;
}

/**
 * Profile of training's small CNN: conv k×k (same padding, bias) f1 → ReLU → max pool 2 → conv k×k f2 →
 * ReLU → max pool 2 → dense to the classes. With the defaults it has 11,274 params, like `cnn()`.
 * Entries `conv0`, `conv1`, `dense0` match the training layout's names.
 * @throws RangeError if imageSize is not a positive multiple of 4, another size is not a positive
 *   integer, or bytesPerValue is bad.
 */
export function cnnProfile(options: CnnProfileOptions): TimingProfile {
  const bpv = checkBytesPerValue(options.bytesPerValue);
  const s = options.imageSize ?? 28;
  const c = options.channels ?? 1;
  const filters = options.filters ?? [8, 16];
  const k = options.kernel ?? 5;
  const classes = options.numClasses ?? 10;
  if (!Number.isInteger(s) || s <= 0 || s % 4 !== 0)
    throw new RangeError(`cnn imageSize must be a positive multiple of 4, got ${String(s)}`);
  checkPositiveIntegers([c, ...filters, k, classes], 'cnn channels, filters, kernel and numClasses');
  const layers: LayerProfile[] = [];
  let size = s;
  let channels = c;
  filters.forEach((f, i) => {
    // "Same" padding at stride 1 keeps the side: (s + 2·(k−1)/2 − k) + 1 = s, for odd and even k alike.
    const conv = conv2dLayer(`conv${i}`, {
      inChannels: channels,
      outChannels: f,
      kernel: k,
      stride: 1,
      padding: (k - 1) / 2,
      inSize: size,
      bias: true,
      bytesPerValue: bpv,
    });
    layers.push(conv.layer);
    layers.push(reluLayer(`relu${i}`, f * conv.outSize * conv.outSize, bpv));
    const pool = maxPoolLayer(`pool${i}`, {
      channels: f,
      inSize: conv.outSize,
      kernel: 2,
      stride: 2,
      padding: 0,
      bytesPerValue: bpv,
    });
    layers.push(pool.layer);
    size = pool.outSize;
    channels = f;
  });
  layers.push(
    linearLayer('dense0', {
      inFeatures: channels * size * size,
      outFeatures: classes,
      bias: true,
      tokens: 1,
      bytesPerValue: bpv,
    }),
  );
  layers.push(softmaxCrossEntropyLayer(classes, bpv));
  const [f1, f2] = filters;
  return {
    name: `model:cnn-${s}x${s}x${c}-conv${k}x${k}x${f1}-pool-conv${k}x${k}x${f2}-pool-dense${classes}`,
    description: `small CNN ${s}x${s}x${c} (the trained model), one image per sample`,
    source: SOURCE,
    sample: 'image',
    bytesPerValue: bpv,
    layers,
  };
}
