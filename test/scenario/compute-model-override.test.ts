import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { scenarioProblems } from './helpers.ts';

const HEAD = 'name: c\ncluster: { nodes: [{ gpu: A100-80GB }] }\n';

/** The problems the loader reports for `text`, read as `bad.yaml`. */
const problems = (text: string): string[] => scenarioProblems(text, {}, 'bad.yaml');

describe('workload.computeModel (overrides of the kind compute model)', () => {
  it('reads fractions and a launch overhead with a unit into SI numbers', () => {
    const { runs } = parseScenario(
      `${HEAD}workload: { timing: { kind: profile, name: resnet50 }, computeModel: { gemmEfficiency: 0.7, memoryEfficiency: 0.8, launchOverhead: "4 us" } }\n`,
      'ok.yaml',
    );
    expect(runs[0]!.workload.computeModel).toEqual({
      gemmEfficiency: 0.7,
      memoryEfficiency: 0.8,
      launchOverheadS: 4e-6,
    });
    expect(runs[0]!.workload.efficiency).toBeUndefined();
  });

  it('reports every bad field at once with its path, value and what is allowed', () => {
    const lines = problems(
      `${HEAD}workload:\n  computeModel: { gemmEfficiency: 1.5, memoryEfficiency: 0, launchOverhead: 4, tile: 3 }\n`,
    );
    expect(lines).toEqual([
      expect.stringMatching(/workload\.computeModel\.gemmEfficiency: got 1\.5; expected a number >= 0\.001 and <= 1/),
      expect.stringMatching(/workload\.computeModel\.memoryEfficiency: got 0; expected a number >= 0\.001 and <= 1/),
      expect.stringMatching(/workload\.computeModel\.launchOverhead: got 4; write it with a unit/),
      expect.stringMatching(/workload\.computeModel.*tile/),
    ]);
  });

  it('refuses efficiency and computeModel together: one is the plain roofline, the other the kind model', () => {
    const lines = problems(`${HEAD}workload: { efficiency: 0.5, computeModel: { gemmEfficiency: 0.7 } }\n`);
    expect(lines).toEqual([
      expect.stringMatching(/workload\.computeModel: .*give either efficiency .* or computeModel/),
    ]);
  });
});
