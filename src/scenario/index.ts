/**
 * The scenario layer's public surface: quantities with units, formulas over the cluster shape, the
 * schema built from the registries, and loading YAML/JSON files with overrides and sweeps.
 */
export type { EvalSpec, Scenario, StopSpec, StragglerSpec, TimingSpec } from './types.ts';
export { DIMENSIONS, QUANTITY_DIMENSIONS, QuantityError, parseQuantity, quantityExample } from './quantity.ts';
export type { QuantityDimension } from './quantity.ts';
export {
  FORMULA_FUNCTIONS,
  FORMULA_VARIABLES,
  FormulaError,
  describeScope,
  evaluateFormula,
  parseFormula,
} from './formula.ts';
export type { Formula, FormulaScope } from './formula.ts';
export { ScenarioError, formatIssue } from './errors.ts';
export type { ScenarioIssue } from './errors.ts';
export { TOP_LEVEL_KEYS, clusterShape, scenarioSchema } from './schema.ts';
export type { ParsedScenario } from './schema.ts';
export type { SchemaContext } from './fields.ts';
export { formatPath, parsePath } from './paths.ts';
export type { PathSegment } from './paths.ts';
export { sweepPoints } from './sweep.ts';
export { LABEL_MAX, compactValue, pointLabels } from './sweep-labels.ts';
export type { SweepAxis, SweepPoint } from './sweep.ts';
export { loadScenario, parseScenario } from './load.ts';
export type { LoadOptions, LoadedScenario } from './load.ts';
