/** Multi-layer perceptron with ReLU hidden layers, including FedAvg's "2NN" preset. */
import type { Model } from './model.ts';
import { denseModel } from './dense-stack.ts';

/** Hidden widths of FedAvg's MNIST "2NN" (McMahan et al. 2017): 784-200-200-10, 199,210 parameters. */
export const MLP_2NN_HIDDEN: readonly number[] = [200, 200];

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
