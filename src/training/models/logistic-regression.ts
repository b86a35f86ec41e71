/** Multinomial logistic regression: logits = x·W + b, softmax cross-entropy loss. Convex; the gradient test's anchor. */
import type { Model } from './model.ts';
import { denseModel } from './dense-stack.ts';

/**
 * A logistic-regression model for `inputSize` features and `numClasses` classes (784 and 10 for
 * MNIST: 7,850 parameters). Layout: `dense0/kernel` [inputSize, numClasses], `dense0/bias`.
 */
export function logisticRegression(inputSize = 784, numClasses = 10): Model {
  return denseModel('logistic-regression', [inputSize, numClasses]);
}
