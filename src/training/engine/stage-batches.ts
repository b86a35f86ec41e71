/**
 * Several micro-batches through one pipeline stage at one weight version as one pass: their rows are
 * stacked into one 2-D forward pass (and one error propagation), and each micro-batch gets its own
 * weight gradient over its row range, as the gradient engine merges requests on one snapshot. Dense
 * passes are row-wise, so each micro-batch's results equal its own pass (checked to 1e-6 in the tests).
 */
import { tfjs } from '../tensor-backend.ts';
import { denseBackward, type RowRange } from './dense-backprop.ts';
import { readFlat, uploadWeights } from './weight-tensors.ts';
import {
  stageForward,
  type PipelineStage,
  type StageBackward,
  type StageForward,
  type StageStash,
} from './pipeline-stages.ts';

/** One micro-batch's stage input: `n` rows of `x` (n × inputSize). */
export interface StageInput {
  readonly x: Float32Array;
  readonly n: number;
}

/** One micro-batch's backward: its forward stash and ∂L/∂(stage output), n × outputSize. */
export interface StageUpstream {
  readonly stash: StageStash;
  readonly dOut: Float32Array;
}

// Stacks row-major blocks of `width` columns: block j has rows[j] rows.
function stack(blocks: readonly Float32Array[], rows: readonly number[], width: number): Float32Array {
  if (blocks.length === 1) return blocks[0]!.subarray(0, rows[0]! * width);
  const out = new Float32Array(rows.reduce((a, b) => a + b, 0) * width);
  let at = 0;
  blocks.forEach((b, j) => {
    out.set(b.subarray(0, rows[j]! * width), at);
    at += rows[j]! * width;
  });
  return out;
}

function rangesOf(rows: readonly number[]): RowRange[] {
  let start = 0;
  return rows.map((n) => {
    const r = { start, end: start + n };
    start += n;
    return r;
  });
}

/**
 * Forward passes of several micro-batches at `wF`, as one pass. Results are views into shared
 * arrays (read-only, like every activation).
 * @throws RangeError on mismatched sizes or an empty list.
 */
export function stageForwardMany(
  stage: PipelineStage,
  wF: Float32Array,
  inputs: readonly StageInput[],
): StageForward[] {
  if (inputs.length === 0) throw new RangeError('stageForwardMany needs at least one micro-batch');
  const rows = inputs.map((i) => i.n);
  const all = stageForward(
    stage,
    wF,
    stack(
      inputs.map((i) => i.x),
      rows,
      stage.inputSize,
    ),
    rows.reduce((a, b) => a + b, 0),
  );
  if (inputs.length === 1) return [all];
  const widths = all.stash.inputs.map((a) => a.length / all.stash.n);
  return rangesOf(rows).map(({ start, end }) => {
    const output = all.output.subarray(start * stage.outputSize, end * stage.outputSize);
    const stash: StageStash = {
      n: end - start,
      inputs: all.stash.inputs.map((a, l) => a.subarray(start * widths[l]!, end * widths[l]!)),
      output,
    };
    return { output, stash };
  });
}

/**
 * Backward passes of several micro-batches at `wB`, as one pass: one error propagation over all rows,
 * one weight gradient per micro-batch (its own `aᵀ·dz` over its rows).
 * @throws RangeError on mismatched sizes or an empty list.
 */
export function stageBackwardMany(
  stage: PipelineStage,
  wB: Float32Array,
  items: readonly StageUpstream[],
  needInputGrad: boolean,
): StageBackward[] {
  if (items.length === 0) throw new RangeError('stageBackwardMany needs at least one micro-batch');
  if (wB.length !== stage.layout.size)
    throw new RangeError(`stage ${stage.index} W_b has ${wB.length} values, needs ${stage.layout.size}`);
  const rows = items.map((i) => i.stash.n);
  items.forEach((it, j) => {
    if (it.dOut.length < rows[j]! * stage.outputSize)
      throw new RangeError(`stage ${stage.index} upstream gradient needs n·${stage.outputSize} values`);
  });
  const n = rows.reduce((a, b) => a + b, 0);
  const ranges = rangesOf(rows);
  const widthOf = (l: number): number => (l === 0 ? stage.inputSize : stage.layout.entries[2 * l]!.shape[0]!);
  const tf = tfjs();
  let result: StageBackward[] = [];
  tf.tidy(() => {
    const inputs = Array.from({ length: stage.layers }, (_, l) =>
      tf.tensor2d(
        stack(
          items.map((i) => i.stash.inputs[l]!),
          rows,
          widthOf(l),
        ),
        [n, widthOf(l)],
      ),
    );
    const out = tf.tensor2d(
      stack(
        items.map((i) => i.stash.output),
        rows,
        stage.outputSize,
      ),
      [n, stage.outputSize],
    );
    let dz = tf.tensor2d(
      stack(
        items.map((i) => i.dOut),
        rows,
        stage.outputSize,
      ),
      [n, stage.outputSize],
    );
    // A non-last stage ends in a ReLU; its derivative comes from the stored output.
    if (!stage.last) dz = tf.mul(dz, tf.step(out));
    const { grads, inputGrad } = denseBackward(
      uploadWeights(stage.layout, wB),
      { inputs, out },
      dz,
      ranges,
      needInputGrad,
    );
    const dIn = inputGrad === null ? null : (inputGrad.dataSync() as Float32Array);
    result = ranges.map(({ start, end }, j) => ({
      inputGrad: dIn === null ? null : dIn.subarray(start * stage.inputSize, end * stage.inputSize),
      grad: readFlat(stage.layout, grads[j]!),
    }));
  });
  return result;
}
