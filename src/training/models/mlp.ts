/** Multi-layer perceptron with ReLU hidden layers, including FedAvg's "2NN" preset. */
import type { Model } from './model.ts';
import { denseModel } from './dense-stack.ts';

/** Hidden widths of FedAvg's MNIST "2NN" (McMahan et al. 2017): 784-200-200-10, 199,210 parameters. */
export const MLP_2NN_HIDDEN: readonly number[] = [200, 200];

/**
 * Hidden widths of `deep8`: eight hidden layers of 64 (784-64×8-10, nine dense layers, 80,010
 * parameters), deep enough that pipeline schedules can cut it into S = 4 or 8 stages of real math.
 */
export const MLP_DEEP8_HIDDEN: readonly number[] = Object.freeze(Array.from({ length: 8 }, () => 64));

/** The MLP presets a scenario may name (`workload.model.preset`), by name. */
export const MLP_PRESETS = Object.freeze({ '2nn': MLP_2NN_HIDDEN, deep8: MLP_DEEP8_HIDDEN });

/** A preset name. */
export type MlpPreset = keyof typeof MLP_PRESETS;

/** The preset names, for schemas and messages. */
export const MLP_PRESET_NAMES = Object.freeze(Object.keys(MLP_PRESETS)) as readonly MlpPreset[];

/**
 * An MLP `inputSize → hidden[0] → … → numClasses`, ReLU after each hidden layer. Layout per layer:
 * `dense{l}/kernel` [in, out] (He uniform for hidden, Glorot for the output), `dense{l}/bias` (zeros).
 * @throws RangeError on an empty or non-positive width.
 */
export function mlp(hidden: readonly number[], inputSize = 784, numClasses = 10): Model {
  return denseModel('mlp', [inputSize, ...hidden, numClasses]);
}

/** FedAvg's 2NN for MNIST: `mlp([200, 200])`, 199,210 parameters. */
export function mlp2nn(): Model {
  return mlp(MLP_2NN_HIDDEN);
}
