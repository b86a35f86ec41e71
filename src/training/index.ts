/**
 * The training half of dtsim (design.md §1): tensor backend, models over flat parameter vectors,
 * the lazy gradient engine, pipeline stages, evaluation, datasets and optimizers. Importing this
 * barrel does not load TensorFlow.js; `initBackend()` does.
 */
export {
  BACKEND_ORDER,
  backendFailures,
  backendName,
  explicitTranspose,
  initBackend,
  liveTensors,
  tfjs,
  type BackendChoice,
} from './tensor-backend.ts';
export {
  buildLayout,
  entryView,
  initParams,
  layoutEntry,
  type EntrySpec,
  type InitScheme,
  type LayoutEntry,
  type ParamLayout,
} from './models/layout.ts';
export type { DenseStack, Model, ModelKind } from './models/model.ts';
export { denseForwardFlops, denseLayout } from './models/dense-stack.ts';
export { logisticRegression } from './models/logistic-regression.ts';
export { MLP_2NN_HIDDEN, mlp, mlp2nn } from './models/mlp.ts';
export { cnn, type CnnOptions } from './models/cnn.ts';
export { createModel, MODEL_KINDS, type ModelConfig } from './models/create-model.ts';
export { makeSnapshot, type ParamSnapshot } from './engine/snapshot.ts';
export { checkBatch, type GradBatch } from './engine/batch.ts';
export {
  GradientEngine,
  type BackpropMode,
  type EngineStats,
  type GradHandle,
  type GradientEngineOptions,
  type GradResult,
} from './engine/gradient-engine.ts';
export { CHUNK_ROWS, SPLIT_MIN_ROWS, SPLIT_PARTS } from './engine/dense-part.ts';
export { resolveThreads, type ThreadChoice, type ThreadSetting } from './engine/thread-setting.ts';
export { closeSharedThreadPool } from './engine/shared-pool.ts';
export {
  lossGradient,
  splitDenseModel,
  stageBackward,
  stageForward,
  type PipelineStage,
  type StageBackward,
  type StagedModel,
  type StageForward,
  type StageStash,
} from './engine/pipeline-stages.ts';
export { evaluate, type EvalResult, type EvalSet } from './evaluate.ts';
export * from './datasets/index.ts';
export * from './optimizers/index.ts';
