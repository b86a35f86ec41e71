/**
 * A small CNN for MNIST-sized images: conv(k×k, f1, same) → ReLU → maxpool 2 → conv(k×k, f2, same) →
 * ReLU → maxpool 2 → dense to the classes. Its gradient comes from tfjs autograd (no hand-written
 * backprop), so the engine runs it per request rather than with the dense fast path.
 */
import type * as TF from '@tensorflow/tfjs';
import { tfjs } from '../tensor-backend.ts';
import { buildLayout } from './layout.ts';
import type { Model } from './model.ts';
import { conv2dSame, matMul, maxPool2x2 } from './tensor-ops.ts';

/** Shape options of the small CNN. Defaults fit MNIST: 28×28×1, filters [8, 16], 5×5 kernels. */
export interface CnnOptions {
  /** Image side in pixels (square images); must be divisible by 4. */
  readonly imageSize?: number;
  /** Input channels. */
  readonly channels?: number;
  /** Filters of the two conv layers. */
  readonly filters?: readonly [number, number];
  /** Kernel side of both convs. */
  readonly kernel?: number;
  /** Output classes. */
  readonly numClasses?: number;
}

/**
 * The small CNN. With defaults: 208 + 3,216 + 7,850 = 11,274 parameters. Layout: `conv0/filter`
 * [k, k, c, f1], `conv0/bias`, `conv1/filter` [k, k, f1, f2], `conv1/bias`, `dense0/kernel`
 * [(s/4)²·f2, classes], `dense0/bias`. Conv filters use He uniform (they feed ReLUs).
 * @throws RangeError if imageSize is not a positive multiple of 4.
 */
export function cnn(options: CnnOptions = {}): Model {
  const s = options.imageSize ?? 28;
  const c = options.channels ?? 1;
  const [f1, f2] = options.filters ?? [8, 16];
  const k = options.kernel ?? 5;
  const classes = options.numClasses ?? 10;
  if (!Number.isInteger(s) || s <= 0 || s % 4 !== 0)
    throw new RangeError(`cnn imageSize must be a positive multiple of 4, got ${s}`);
  const flat = (s / 4) * (s / 4) * f2;
  const layout = buildLayout([
    { name: 'conv0/filter', shape: [k, k, c, f1], init: 'he-uniform', fanIn: k * k * c, fanOut: k * k * f1 },
    { name: 'conv0/bias', shape: [f1], init: 'zeros', fanIn: k * k * c, fanOut: k * k * f1 },
    { name: 'conv1/filter', shape: [k, k, f1, f2], init: 'he-uniform', fanIn: k * k * f1, fanOut: k * k * f2 },
    { name: 'conv1/bias', shape: [f2], init: 'zeros', fanIn: k * k * f1, fanOut: k * k * f2 },
    { name: 'dense0/kernel', shape: [flat, classes], init: 'glorot-uniform', fanIn: flat, fanOut: classes },
    { name: 'dense0/bias', shape: [classes], init: 'zeros', fanIn: flat, fanOut: classes },
  ]);
  // 2 FLOPs per multiply-add: each output pixel of a conv does k·k·inChannels of them per filter.
  const forwardFlopsPerSample = 2 * (s * s * f1 * k * k * c + (s / 2) * (s / 2) * f2 * k * k * f1 + flat * classes);
  return {
    kind: 'cnn',
    name: `cnn ${s}x${s}x${c} conv${k}x${k}x${f1}-pool-conv${k}x${k}x${f2}-pool-dense${classes}`,
    inputSize: s * s * c,
    numClasses: classes,
    layout,
    dense: null,
    forwardFlopsPerSample,
    logits(weights: readonly TF.Tensor[], x: TF.Tensor2D): TF.Tensor2D {
      const tf = tfjs();
      const n = x.shape[0];
      let h: TF.Tensor4D = tf.reshape(x, [n, s, s, c]);
      for (let i = 0; i < 2; i++) {
        const z = tf.add(conv2dSame(h, weights[2 * i] as TF.Tensor4D), weights[2 * i + 1]!) as TF.Tensor4D;
        h = maxPool2x2(tf.relu(z));
      }
      return tf.add(matMul(tf.reshape(h, [n, flat]), weights[4] as TF.Tensor2D), weights[5]!) as TF.Tensor2D;
    },
  };
}
