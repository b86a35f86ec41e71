import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AUTO_PLOTS_MAX_RECORDS, AUTO_PLOTS_MAX_RUNS, wantsPlots } from '../../src/results/plots/auto-plots.ts';
import { writeResultsAtomic } from '../../src/results/write-results.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { scenarioProblems } from '../scenario/helpers.ts';

const small = { evals: 10, updateRows: 100, spans: 1000 };
const HEAD = 'name: c\ncluster: { nodes: [{ gpu: A100-80GB }] }\n';
const root = mkdtempSync(join(tmpdir(), 'dtsim-auto-plots-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The problems the loader reports for `text`, read as `bad.yaml`. */
const problems = (text: string): string[] => scenarioProblems(text, {}, 'bad.yaml');

describe('wantsPlots (output.plots)', () => {
  it('auto: plots up to the record and run bounds, none above', () => {
    expect(wantsPlots(['auto'], [small])).toBe(true);
    const edge = { evals: 0, updateRows: AUTO_PLOTS_MAX_RECORDS - 1, spans: 1 };
    expect(wantsPlots(['auto'], [edge])).toBe(true);
    expect(wantsPlots(['auto'], [{ ...edge, spans: 2 }])).toBe(false);
    // The bound is on all runs of the folder together.
    expect(wantsPlots(['auto', 'auto'], [edge, small])).toBe(false);
    const many = Array.from({ length: AUTO_PLOTS_MAX_RUNS + 1 }, () => ({ evals: 1, updateRows: 0, spans: 0 }));
    expect(wantsPlots(['auto'], many)).toBe(false);
  });

  it('true forces plots whatever the size; false turns them off only when every run says so', () => {
    const big = { evals: 0, updateRows: 10 * AUTO_PLOTS_MAX_RECORDS, spans: 0 };
    expect(wantsPlots([true], [big])).toBe(true);
    expect(wantsPlots([false], [small])).toBe(false);
    expect(wantsPlots([false, 'auto'], [small, small])).toBe(true);
    expect(wantsPlots([false, true], [big, big])).toBe(true);
  });
});

describe('output.plots in the schema', () => {
  it('reads true, false and auto, auto by default', () => {
    const plots = (extra: string): unknown => parseScenario(`${HEAD}${extra}`, 'p.yaml').runs[0]!.output.plots;
    expect(plots('')).toBe('auto');
    expect(plots('output: { plots: auto }\n')).toBe('auto');
    expect(plots('output: { plots: true }\n')).toBe(true);
    expect(plots('output: { plots: false }\n')).toBe(false);
  });

  it('rejects anything else, with the place and the choices', () => {
    expect(problems(`${HEAD}output: { plots: yes-please }\n`)).toEqual([
      expect.stringMatching(/output\.plots.*got "yes-please"; expected true, false or auto \(auto: plots when/),
    ]);
    expect(problems(`${HEAD}output: { plots: 1 }\n`)).toEqual([
      expect.stringMatching(/output\.plots.*got 1; expected true, false or auto/),
    ]);
    expect(problems(`${HEAD}output: { plot: true }\n`)[0]).toMatch(/output\.plot/);
  });
});

describe('beforeSwap (plots drawn inside the atomic write)', () => {
  it('a failure while drawing leaves neither the folder nor a temporary one', async () => {
    const dir = join(root, 'r');
    const failing = async (tmp: string): Promise<void> => {
      await Promise.resolve();
      expect(existsSync(join(tmp, 'summary.csv'))).toBe(true);
      throw new Error('drawing failed');
    };
    await expect(writeResultsAtomic(dir, { 'summary.csv': 'a\n' }, { beforeSwap: failing })).rejects.toThrow(
      'drawing failed',
    );
    expect(readdirSync(root)).toEqual([]);
  });
});
