/**
 * The trained model shaped to its dataset. Kept apart from run-trainer.ts (which builds the gradient
 * engine) so that validation can shape the model from the dataset's described shape without importing
 * the training engine.
 */
import type { ClassificationDataset } from '../training/datasets/dataset.ts';
import { createModel, type ModelConfig } from '../training/models/create-model.ts';
import type { Model } from '../training/models/model.ts';

/** What `modelFor` reads of a dataset: a loaded split, or the registry's `describe` of one. */
export type DataShape = Pick<ClassificationDataset, 'name' | 'd' | 'numClasses'>;

/**
 * The trained model, shaped to the dataset (input width and classes come from the data).
 * @throws RangeError if the model cannot take the data (e.g. a CNN on non-image features) or has a bad shape.
 */
export function modelFor(config: ModelConfig, train: DataShape): Model {
  if (config.kind === 'cnn') {
    const side = config.imageSize ?? 28;
    const ch = config.channels ?? 1;
    if (side * side * ch !== train.d)
      throw new RangeError(
        `a cnn of ${side}×${side}×${ch} inputs cannot read ${train.name}'s ${train.d} features; set imageSize and channels to match`,
      );
    return createModel({ ...config, numClasses: train.numClasses });
  }
  return createModel({ ...config, inputSize: train.d, numClasses: train.numClasses });
}
