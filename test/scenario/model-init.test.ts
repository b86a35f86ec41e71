/**
 * `workload.model.init`: accepted by the schema for every model kind, absent from the normalized
 * scenario when not given (so existing scenarios keep their hash), and used by the run's trainer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { initBackend } from '../../src/training/tensor-backend.ts';
import { WEIGHT_INITS } from '../../src/training/models/layout.ts';
import { tinyScenario } from '../schedules/fixtures.ts';
import { scenarioProblems } from './helpers.ts';

const BASE = 'name: s\ncluster: { nodes: [{ gpu: A100-80GB }] }\n';

describe('workload.model.init', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('takes every scheme on every model kind, and leaves the default out of the normalized scenario', () => {
    for (const init of WEIGHT_INITS) {
      for (const model of [
        `{ kind: mlp, hidden: [8], init: ${init} }`,
        `{ kind: logistic-regression, init: ${init} }`,
        `{ kind: cnn, init: ${init} }`,
      ]) {
        expect(parseScenario(`${BASE}workload: { model: ${model} }\n`, 's.yaml').runs[0]!.workload.model.init).toBe(
          init,
        );
      }
    }
    expect(parseScenario(BASE, 's.yaml').runs[0]!.workload.model).toEqual({ kind: 'mlp', preset: '2nn' });
  });

  it('accepts the deep8 preset and names the presets when given another', () => {
    expect(
      parseScenario(`${BASE}workload: { model: { kind: mlp, preset: deep8 } }\n`, 's.yaml').runs[0]!.workload.model,
    ).toEqual({ kind: 'mlp', preset: 'deep8' });
    const problems = scenarioProblems(`${BASE}workload: { model: { kind: mlp, preset: deep9 } }\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/workload\.model\.preset: .*2nn.*deep8/);
  });

  it('names the schemes when given another', () => {
    expect(scenarioProblems(`${BASE}workload: { model: { kind: mlp, preset: 2nn, init: xavier } }\n`)).toEqual([
      's.yaml:3:52: workload.model.init: got "xavier"; expected one of relu-he, he-uniform, glorot-uniform, lecun-uniform, pytorch-uniform',
    ]);
  });

  it('initialises the trained model with it: the first evaluation differs, the default equals relu-he', () => {
    const first = (init?: (typeof WEIGHT_INITS)[number]): number => {
      const model = { kind: 'mlp' as const, hidden: [16], ...(init === undefined ? {} : { init }) };
      return runScenario(tinyScenario({ model, updates: 1 }), 0).evals[0]!.loss;
    };
    const base = first();
    expect(first('relu-he')).toBe(base);
    expect(first('glorot-uniform')).not.toBe(base);
    expect(first('pytorch-uniform')).not.toBe(base);
  }, 30_000);
});
