/**
 * Matrix products shaped for the active backend. On wasm, matMul with transposeA/transposeB leaves
 * XNNPACK and tfjs's own matMul gradient uses those flags, which made it 5.3 of 6.5 ms of a small MLP
 * step (spec/tooling.md); transposing explicitly and multiplying plainly is ~2× faster and gives the
 * same numbers. Elsewhere the flags are the faster path, so they are used as is.
 */
import type * as TF from '@tensorflow/tfjs';
import { explicitTranspose, tfjs } from '../tensor-backend.ts';

type MatMul = (a: TF.Tensor2D, b: TF.Tensor2D) => TF.Tensor2D;
let wasmMatMul: MatMul | null = null;

/** `a · bᵀ` for 2-D tensors. */
export function matMulBT(a: TF.Tensor2D, b: TF.Tensor2D): TF.Tensor2D {
  const tf = tfjs();
  return explicitTranspose() ? tf.matMul(a, tf.transpose(b)) : tf.matMul(a, b, false, true);
}

/** `aᵀ · b` for 2-D tensors. */
export function matMulAT(a: TF.Tensor2D, b: TF.Tensor2D): TF.Tensor2D {
  const tf = tfjs();
  return explicitTranspose() ? tf.matMul(tf.transpose(a), b) : tf.matMul(a, b, true, false);
}

/**
 * `a · b`, differentiable. On wasm it is a `tf.customGrad` whose gradient is `dA = dy·bᵀ`,
 * `dB = aᵀ·dy` with explicit transposes (see the file comment); otherwise plain `tf.matMul`.
 */
export function matMul(a: TF.Tensor2D, b: TF.Tensor2D): TF.Tensor2D {
  const tf = tfjs();
  if (!explicitTranspose()) return tf.matMul(a, b);
  if (wasmMatMul === null) {
    wasmMatMul = tf.customGrad((x, w, save) => {
      const xa = x as TF.Tensor2D;
      const wa = w as TF.Tensor2D;
      (save as TF.GradSaveFunc)([xa, wa]);
      return {
        value: tf.matMul(xa, wa),
        gradFunc: (dy, saved) => {
          const [sx, sw] = saved as [TF.Tensor2D, TF.Tensor2D];
          const g = dy as TF.Tensor2D;
          return [tf.matMul(g, tf.transpose(sw)), tf.matMul(tf.transpose(sx), g)];
        },
      };
    }) as unknown as MatMul;
  }
  return wasmMatMul(a, b);
}

// tfjs-backend-wasm 4.22 registers Conv2D and MaxPool but not their gradients (Conv2DBackpropFilter,
// MaxPoolGrad), while the 3-D versions have all of theirs. On wasm a 2-D layer therefore runs as a
// 3-D one with depth 1 and a 1-deep kernel: the same arithmetic, differentiable.

/** 2-D convolution, stride 1, 'same' padding; `x` [n, h, w, c], `filter` [k, k, c, f]. Differentiable on every backend. */
export function conv2dSame(x: TF.Tensor4D, filter: TF.Tensor4D): TF.Tensor4D {
  const tf = tfjs();
  if (tfjs().getBackend() !== 'wasm') return tf.conv2d(x, filter, 1, 'same');
  const [n, h, w, c] = x.shape;
  const [kh, kw, , f] = filter.shape;
  const y = tf.conv3d(
    tf.reshape(x, [n, 1, h, w, c]) as TF.Tensor5D,
    tf.reshape(filter, [1, kh, kw, c, f]) as TF.Tensor5D,
    1,
    'same',
  );
  return tf.reshape(y, [n, h, w, f]);
}

/** 2×2 max pooling, stride 2; `x` [n, h, w, c] with even h and w. Differentiable on every backend. */
export function maxPool2x2(x: TF.Tensor4D): TF.Tensor4D {
  const tf = tfjs();
  if (tfjs().getBackend() !== 'wasm') return tf.maxPool(x, 2, 2, 'valid');
  const [n, h, w, c] = x.shape;
  const y = tf.maxPool3d(tf.reshape(x, [n, 1, h, w, c]) as TF.Tensor5D, [1, 2, 2], [1, 2, 2], 'valid');
  return tf.reshape(y, [n, h / 2, w / 2, c]);
}
