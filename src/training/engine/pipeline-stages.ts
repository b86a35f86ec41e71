/**
 * Pipeline stages of a dense model (spec/algorithms.md §0.3). The model's layers are cut into S
 * contiguous stages, each with its own flat parameter vector (a contiguous slice of the whole one,
 * since dense layouts store layers in order). A stage's forward pass uses forward-time weights W_f
 * and returns the activations to keep; its backward pass takes the upstream gradient and
 * backward-time weights W_b: error propagation `∂L/∂x = ∂L/∂z·W_bᵀ` uses W_b, while the weight
 * gradient `xᵀ·∂L/∂z` and the ReLU masks use the stored activations. With W_b = W_f (weight
 * stashing) composing all stages gives the whole-model gradient.
 *
 * Activations cross stage boundaries as Float32Arrays so a schedule can hold stashes for as long as
 * its timeline says (PipeDream keeps several) without holding tensors.
 */
import type * as TF from '@tensorflow/tfjs';
import { tfjs } from '../tensor-backend.ts';
import { buildLayout, type ParamLayout } from '../models/layout.ts';
import type { Model } from '../models/model.ts';
import { denseBackward, denseForward, softmaxCrossEntropyGrad } from './dense-backprop.ts';
import { readFlat, uploadWeights } from './weight-tensors.ts';

/** One stage: consecutive dense layers of the model. */
export interface PipelineStage {
  /** Stage index, 0 = input side. */
  readonly index: number;
  /** Model layers [firstLayer, firstLayer + layers). */
  readonly firstLayer: number;
  /** Number of dense layers in the stage. */
  readonly layers: number;
  /** Width of the stage's input. */
  readonly inputSize: number;
  /** Width of the stage's output (logits for the last stage). */
  readonly outputSize: number;
  /** True for the last stage, whose output is the logits (no ReLU). */
  readonly last: boolean;
  /** Layout of this stage's own flat vector (names as in the whole model). */
  readonly layout: ParamLayout;
  /** Where this stage's vector starts in the whole model's vector. */
  readonly offset: number;
}

/** A dense model cut into stages. */
export interface StagedModel {
  /** The whole model. */
  readonly model: Model;
  /** Stages from input to output. */
  readonly stages: readonly PipelineStage[];
  /** Copies each stage's slice of a whole-model vector. */
  split(params: Float32Array): Float32Array[];
  /** Concatenates per-stage vectors into a whole-model vector. */
  join(parts: readonly Float32Array[]): Float32Array;
}

/** What a stage's forward pass keeps for its backward pass. */
export interface StageStash {
  /** Samples. */
  readonly n: number;
  /** Input of each layer of the stage (row-major n × width). */
  readonly inputs: readonly Float32Array[];
  /** Stage output (row-major n × outputSize), for the output ReLU's mask. */
  readonly output: Float32Array;
}

/** Result of a stage's forward pass. */
export interface StageForward {
  /** Stage output, n × outputSize: the next stage's input, or the logits. */
  readonly output: Float32Array;
  /** Activations to keep until this micro-batch's backward pass. */
  readonly stash: StageStash;
}

/** Result of a stage's backward pass. */
export interface StageBackward {
  /** ∂L/∂(stage input), n × inputSize, for the previous stage; null when not asked for. */
  readonly inputGrad: Float32Array | null;
  /** ∂L/∂(stage weights), flat in the stage's layout. */
  readonly grad: Float32Array;
}

/**
 * Cuts a dense model into stages. `layersPerStage` is either the number of stages (layers spread as
 * evenly as possible, earlier stages taking the extra) or an explicit list of layer counts.
 * @throws RangeError for a model without a dense stack, or counts that do not cover every layer with
 * at least one layer per stage.
 */
export function splitDenseModel(model: Model, layersPerStage: number | readonly number[]): StagedModel {
  if (model.dense === null)
    throw new RangeError(`${model.name} is not a dense stack; only MLPs and logistic regression split into stages`);
  const widths = model.dense.widths;
  const total = widths.length - 1;
  let counts: number[];
  if (typeof layersPerStage === 'number') {
    const s = layersPerStage;
    if (!Number.isInteger(s) || s < 1 || s > total)
      throw new RangeError(`${model.name} has ${total} layers; cannot make ${s} stages`);
    counts = Array.from({ length: s }, (_, i) => Math.floor(total / s) + (i < total % s ? 1 : 0));
  } else {
    counts = [...layersPerStage];
    if (counts.some((c) => !Number.isInteger(c) || c < 1) || counts.reduce((a, b) => a + b, 0) !== total) {
      throw new RangeError(`layers per stage [${counts.join(', ')}] must be positive and sum to ${total}`);
    }
  }
  const stages: PipelineStage[] = [];
  let first = 0;
  counts.forEach((layers, index) => {
    const entries = model.layout.entries.slice(2 * first, 2 * (first + layers));
    const offset = entries[0]!.offset;
    stages.push({
      index,
      firstLayer: first,
      layers,
      inputSize: widths[first]!,
      outputSize: widths[first + layers]!,
      last: index === counts.length - 1,
      layout: buildLayout(entries.map(({ offset: _o, size: _s, ...spec }) => spec)),
      offset,
    });
    first += layers;
  });
  return {
    model,
    stages,
    split: (params) => stages.map((s) => params.slice(s.offset, s.offset + s.layout.size)),
    join(parts) {
      const out = new Float32Array(model.layout.size);
      stages.forEach((s, i) => {
        const p = parts[i];
        if (p === undefined || p.length !== s.layout.size)
          throw new RangeError(`stage ${i} needs ${s.layout.size} parameters`);
        out.set(p, s.offset);
      });
      return out;
    },
  };
}

function checkWeights(stage: PipelineStage, w: Float32Array, what: string): void {
  if (w.length !== stage.layout.size)
    throw new RangeError(`stage ${stage.index} ${what} has ${w.length} values, needs ${stage.layout.size}`);
}

/**
 * Forward pass of one stage on `n` samples `x` (n × inputSize) with forward-time weights `wF`.
 * @throws RangeError on mismatched sizes.
 */
export function stageForward(stage: PipelineStage, wF: Float32Array, x: Float32Array, n: number): StageForward {
  checkWeights(stage, wF, 'W_f');
  if (!Number.isInteger(n) || n <= 0 || x.length < n * stage.inputSize)
    throw new RangeError(`stage ${stage.index} input needs n·${stage.inputSize} values for n = ${n}`);
  const tf = tfjs();
  let result: StageForward | null = null;
  tf.tidy(() => {
    const acts = denseForward(
      uploadWeights(stage.layout, wF),
      tf.tensor2d(x.subarray(0, n * stage.inputSize), [n, stage.inputSize]),
      !stage.last,
    );
    const output = acts.out.dataSync() as Float32Array;
    result = { output, stash: { n, inputs: acts.inputs.map((a) => a.dataSync() as Float32Array), output } };
  });
  return result!;
}

/**
 * Backward pass of one stage. `dOut` is ∂L/∂(stage output), n × outputSize (for the last stage, the
 * logit gradient from `lossGradient`). Error propagation uses `wB`; the weight gradient uses the stash.
 * @throws RangeError on mismatched sizes.
 */
export function stageBackward(
  stage: PipelineStage,
  wB: Float32Array,
  stash: StageStash,
  dOut: Float32Array,
  needInputGrad = true,
): StageBackward {
  checkWeights(stage, wB, 'W_b');
  const n = stash.n;
  if (dOut.length < n * stage.outputSize)
    throw new RangeError(`stage ${stage.index} upstream gradient needs n·${stage.outputSize} values`);
  const tf = tfjs();
  let result: StageBackward | null = null;
  tf.tidy(() => {
    const widthOf = (l: number): number => (l === 0 ? stage.inputSize : stage.layout.entries[2 * l]!.shape[0]!);
    const inputs = stash.inputs.map((a, l) => tf.tensor2d(a, [n, widthOf(l)]));
    const out = tf.tensor2d(stash.output, [n, stage.outputSize]);
    let dz = tf.tensor2d(dOut.subarray(0, n * stage.outputSize), [n, stage.outputSize]);
    // A non-last stage ends in a ReLU; its derivative comes from the stored output.
    if (!stage.last) dz = tf.mul(dz, tf.step(out));
    const { grads, inputGrad } = denseBackward(
      uploadWeights(stage.layout, wB),
      { inputs, out },
      dz,
      [{ start: 0, end: n }],
      needInputGrad,
    );
    result = {
      inputGrad: inputGrad === null ? null : (inputGrad.dataSync() as Float32Array),
      grad: readFlat(stage.layout, grads[0]!),
    };
  });
  return result!;
}

/**
 * Mean softmax cross-entropy of `logits` (n × C) against labels `y`, and its gradient with respect to
 * the logits: (softmax − onehot)/n, the last stage's upstream gradient.
 */
export function lossGradient(
  logits: Float32Array,
  y: Int32Array,
  n: number,
  numClasses: number,
): { loss: number; dLogits: Float32Array } {
  const tf = tfjs();
  let result: { loss: number; dLogits: Float32Array } | null = null;
  tf.tidy(() => {
    const { rowLoss, dLogits } = softmaxCrossEntropyGrad(
      tf.tensor2d(logits.subarray(0, n * numClasses), [n, numClasses]),
      tf.tensor1d(y.subarray(0, n), 'int32'),
      tf.fill([n, 1], 1 / n) as TF.Tensor2D,
    );
    let loss = 0;
    for (const v of rowLoss.dataSync()) loss += v;
    result = { loss: loss / n, dLogits: dLogits.dataSync() as Float32Array };
  });
  return result!;
}
