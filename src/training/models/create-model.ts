/** Builds a model from a plain description, as a scenario file would give it. */
import { cnn, type CnnOptions } from './cnn.ts';
import { logisticRegression } from './logistic-regression.ts';
import { MLP_PRESETS, mlp, type MlpPreset } from './mlp.ts';
import type { Model } from './model.ts';
import type { WeightInit } from './layout.ts';

/** A model description: the scenario's `workload.model` after validation. */
export type ModelConfig = (
  | { readonly kind: 'logistic-regression'; readonly inputSize?: number; readonly numClasses?: number }
  | {
      readonly kind: 'mlp';
      readonly preset?: MlpPreset;
      readonly hidden?: readonly number[];
      readonly inputSize?: number;
      readonly numClasses?: number;
    }
  | ({ readonly kind: 'cnn' } & CnnOptions)
) & {
  /** How the weights are initialised (default `relu-he`); see `WeightInit`. The model's shape does not depend on it. */
  readonly init?: WeightInit;
};

/** Model kinds accepted by `createModel`. */
export const MODEL_KINDS: readonly ModelConfig['kind'][] = ['logistic-regression', 'mlp', 'cnn'];

/**
 * The model a config describes. An MLP takes either a preset (`2nn`: 784-200-200-10; `deep8`:
 * 784-64×8-10) or `hidden`.
 * @throws RangeError if an MLP gives both or neither of preset and hidden, or on bad shapes.
 */
export function createModel(config: ModelConfig): Model {
  switch (config.kind) {
    case 'logistic-regression':
      return logisticRegression(config.inputSize, config.numClasses);
    case 'mlp': {
      if ((config.preset === undefined) === (config.hidden === undefined)) {
        throw new RangeError("mlp needs exactly one of preset ('2nn') or hidden (layer widths)");
      }
      return mlp(config.hidden ?? MLP_PRESETS[config.preset!], config.inputSize, config.numClasses);
    }
    case 'cnn':
      return cnn(config);
  }
}
