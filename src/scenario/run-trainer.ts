/**
 * Builds the math half of a run from its scenario: the dataset (loaded once per process and shared),
 * the shards and per-worker samplers, the model and its seeded initial parameters, the gradient
 * engine, the optimizer factory and the learning-rate schedule. Each part draws from its own fork of
 * the run's seed, so adding a consumer never shifts another.
 */
import { Rng } from '../core/rng.ts';
import { asClassification, subsetDataset, type DatasetSplit } from '../training/datasets/dataset.ts';
import { createWorkerSamplers } from '../training/datasets/batch-sampler.ts';
import { getDataset } from '../training/datasets/registry.ts';
import { shardDataset } from '../training/datasets/sharding.ts';
import { GradientEngine } from '../training/engine/gradient-engine.ts';
import { initParams } from '../training/models/layout.ts';
import type { Model } from '../training/models/model.ts';
import { getLrSchedule, getOptimizer } from '../training/optimizers/registry.ts';
import { FullTrainer } from '../schedules/lib/full-trainer.ts';
import { modelFor } from './run-model.ts';
import type { Scenario } from './types.ts';

export { modelFor } from './run-model.ts';

/**
 * Threads a full-mode run computes on: `DTSIM_THREADS=1` keeps every gradient and evaluation on the
 * main thread (for comparisons); unset or anything else uses the engine's default (`auto`: one helper
 * thread per spare core, up to one, on wasm). Results are byte-identical either way.
 */
export function runThreads(env: NodeJS.ProcessEnv = process.env): 0 | 'auto' {
  return env['DTSIM_THREADS']?.trim() === '1' ? 0 : 'auto';
}

// One load per (dataset, options, seed) per process: sweeps and repeated runs share it.
const cache = new Map<string, DatasetSplit>();

/**
 * The data seed when a scenario names none: data is the same for every run seed unless asked. It is
 * 1, the default run seed, so that a run at the default seed sees exactly the data it saw when the
 * data was drawn from the run seed.
 */
export const DEFAULT_DATA_SEED = 1;

/** The stream everything about the data itself is drawn from: the split, the samples, the eval subset. */
export function dataRng(s: Scenario): Rng {
  return new Rng(s.workload.dataset.seed ?? DEFAULT_DATA_SEED).fork('data');
}

/**
 * The dataset split of a scenario, drawn from its data seed (not the run's seed), memoized per
 * process.
 * @throws RangeError for an unknown dataset or bad options.
 */
export function loadDataset(s: Scenario): DatasetSplit {
  const { kind, options } = s.workload.dataset;
  const rng = dataRng(s).fork('dataset');
  const key = JSON.stringify([kind, options, rng.seedPath]);
  let split = cache.get(key);
  if (split === undefined) {
    split = getDataset(kind).load(options, rng);
    cache.set(key, split);
  }
  return split;
}

/**
 * The full trainer of a run, and the model it trains. The training set is split into `dataKeys`
 * shards, one per worker unless a schedule asks otherwise; shard k samples from `batches/worker-k`,
 * so with one key per worker the data order is what it always was.
 * @param workers the run's worker count (the default number of data keys).
 * @param dataKeys data shards to split the training set into. Default `workers`.
 */
export function buildFullTrainer(
  s: Scenario,
  workers: number,
  rng: Rng,
  dataKeys = workers,
): { trainer: FullTrainer; model: Model } {
  const split = loadDataset(s);
  const train = asClassification(split.train, 'training a classifier');
  const testAll = asClassification(split.test, 'evaluating a classifier');
  // A seeded subset when asked for: the split's order may follow the classes.
  const n = s.training.eval.samples;
  const test =
    n !== undefined && n < testAll.n
      ? subsetDataset(testAll, dataRng(s).fork('eval-subset').permutation(testAll.n).slice(0, n))
      : testAll;
  const model = modelFor(s.workload.model, train);
  const shards = shardDataset(train, dataKeys, s.workload.sharding, rng.fork('shards'));
  const samplers = createWorkerSamplers(shards, rng.fork('batches'));
  const opt = getOptimizer(s.training.optimizer.kind);
  const lr = getLrSchedule(s.training.lr.kind).create(s.training.lr.options);
  const engine = new GradientEngine(model, { threads: runThreads() });
  // The helper boots (about half a second) on the other core while the run is set up.
  engine.startThreads();
  const trainer = new FullTrainer({
    engine,
    train,
    test: { x: test.x, y: test.y, n: test.n },
    samplers,
    batchSize: s.workload.batchSize,
    initialParams: initParams(model.layout, rng.fork('init'), s.workload.model.init),
    newOptimizer: () => opt.create(s.training.optimizer.options),
    lr,
  });
  return { trainer, model };
}
