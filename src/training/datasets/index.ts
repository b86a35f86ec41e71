/** Datasets, splits, sharding, batch sampling and batch assembly (the data half of training/). */
export {
  asClassification,
  classCounts,
  subsetDataset,
  validateDataset,
  type ClassificationDataset,
  type Dataset,
  type DatasetSplit,
  type RegressionDataset,
  type Task,
} from './dataset.ts';
export { splitIndices, splitTrainTest } from './split.ts';
export { loadMnist, loadMnistFull, MNIST_PIXELS, MNIST_SIZE, type MnistOptions } from './mnist.ts';
export {
  makeGaussianMixture,
  makeLinearRegression,
  type GaussianMixtureOptions,
  type LinearRegressionOptions,
} from './synthetic.ts';
export {
  shardByClasses,
  shardDataset,
  shardDirichlet,
  shardIid,
  type DirichletShardOptions,
  type ShardSpec,
} from './sharding.ts';
export { BatchSampler, createWorkerSamplers } from './batch-sampler.ts';
export { fillBatch, fillOneHot, makeBatch } from './fill-batch.ts';
export {
  DATASETS,
  MAX_DATASET_VALUES,
  getDataset,
  resolveDatasetOptions,
  type DatasetEntry,
  type DatasetOptionSpec,
  type DatasetShape,
} from './registry.ts';
