import { describe, expect, it } from 'vitest';
import { FormulaError, MAX_FORMULA_LENGTH, evaluateFormula, parseFormula } from '../../src/scenario/formula.ts';

const shape = { workers: 16, nodes: 2, gpusPerNode: 8 };

describe('formulas over the run shape', () => {
  it('applies the linear scaling rule: lr = 0.05 · workers / 8', () => {
    expect(evaluateFormula('0.05 * workers / 8', shape)).toBeCloseTo(0.1, 15);
  });

  it('splits a global batch across workers and uses nodes and gpusPerNode', () => {
    expect(evaluateFormula('4096 / workers', shape, true)).toBe(256);
    expect(evaluateFormula('nodes * gpusPerNode', shape, true)).toBe(16);
    expect(evaluateFormula('max(1, floor(workers / 3))', shape, true)).toBe(5);
    expect(evaluateFormula('workers > 8 ? 0.2 : 0.1', shape)).toBe(0.2);
  });

  it('rounds results within 1e-9 of an integer where an integer is needed', () => {
    // 0.1 · 30 = 3.0000000000000004 in floating point.
    expect(evaluateFormula('0.1 * workers', { workers: 30, nodes: 1 }, true)).toBe(3);
  });

  it('rejects a non-integer result for an integer field, showing the formula, value and variables', () => {
    expect(() => evaluateFormula('4096 / workers', { workers: 12, nodes: 3, gpusPerNode: 4 }, true)).toThrow(
      'formula "4096 / workers" gives 341.3333333333333 with workers = 12; expected an integer',
    );
  });

  it('rejects unknown names listing the allowed variables', () => {
    expect(() => parseFormula('4096 / worker')).toThrow(
      'formula "4096 / worker": unknown name "worker"; a formula may use workers, nodes, gpusPerNode',
    );
    // A unit is just another unknown name: formulas give plain numbers.
    expect(() => parseFormula('5 cm')).toThrow(/unknown name "cm"/);
  });

  it('refuses gpusPerNode when node groups differ', () => {
    expect(() =>
      evaluateFormula('gpusPerNode * 2', {
        workers: 12,
        nodes: 2,
        gpusPerNodeNote: 'node groups have 4, 8 GPUs per node',
      }),
    ).toThrow(/uses gpusPerNode, which is undefined here: node groups have 4, 8 GPUs per node/);
  });

  it('refuses anything outside arithmetic: assignments, function definitions, import, strings, matrices', () => {
    for (const f of [
      'workers = 3',
      'f(x) = x',
      'import({}, {})',
      'createUnit("x")',
      'evaluate("1")',
      '"abc"',
      '[1, 2]',
      'x.y',
      'a; b',
    ]) {
      expect(() => parseFormula(f), f).toThrow(FormulaError);
    }
    expect(() => parseFormula('1 +')).toThrow(/formula "1 \+"/);
  });

  it('rejects results that are not finite numbers', () => {
    expect(() => evaluateFormula('workers / 0', shape)).toThrow(
      /gives Infinity with workers = 16; expected a finite number/,
    );
    expect(() => evaluateFormula('workers > 3', shape)).toThrow(/gives true/);
  });

  it(`refuses a formula over ${MAX_FORMULA_LENGTH} characters without parsing it`, () => {
    const long = `1${' + 1'.repeat(MAX_FORMULA_LENGTH / 4)}`;
    expect(() => parseFormula(long)).toThrow(
      new FormulaError(long, `formula of ${long.length} characters; at most ${MAX_FORMULA_LENGTH} are allowed`),
    );
    const ok = `1${' + 1'.repeat((MAX_FORMULA_LENGTH - 1) / 4 - 1)}`;
    expect(ok.length).toBeLessThanOrEqual(MAX_FORMULA_LENGTH);
    expect(parseFormula(ok).evaluate({ workers: 1, nodes: 1 })).toBe((ok.length + 3) / 4);
  });

  it('parses each text once (sweeps evaluate the same formula at every point)', () => {
    expect(parseFormula('0.05 * workers / 8')).toBe(parseFormula('0.05 * workers / 8'));
    expect(() => parseFormula('import("fs")')).toThrow(FormulaError);
    expect(() => parseFormula('import("fs")')).toThrow(FormulaError);
  });
});
