/** The `compressor` option kind, through the scenario loader, on sync-allreduce (which declares one). */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { scenarioProblems } from './helpers.ts';

/** A scenario on sync-allreduce with `compressor` as written, or none. */
const text = (compressor?: string, kind = 'sync-allreduce', mode = 'timing-only'): string => `name: s
mode: ${mode}
cluster: { nodes: [{ count: 1, gpusPerNode: 4, gpu: A100-80GB }] }
training:
  schedule: { kind: ${kind}${compressor === undefined ? '' : `, compressor: ${compressor}`} }
  stop: { updates: 1 }
`;

const parsed = (compressor?: string, mode?: string): unknown =>
  parseScenario(text(compressor, 'sync-allreduce', mode), 's.yaml').runs[0]!.training.schedule.options['compressor'];

describe('a compressor option', () => {
  it('is absent (no compression) when not given', () => {
    expect(parsed()).toBeUndefined();
  });

  it('takes a name, with every option at its default', () => {
    expect(parsed('top-k')).toEqual({ kind: 'top-k', options: { ratio: 0.01, errorFeedback: true } });
  });

  it('takes { kind, options }, filling the rest', () => {
    expect(parsed('{ kind: powersgd, rank: 4 }')).toEqual({
      kind: 'powersgd',
      options: expect.objectContaining({ rank: 4, warmStart: true }) as unknown,
    });
  });

  it('takes Accordion over a compressor with levels', () => {
    expect(parsed('{ kind: accordion, compressor: powersgd, low: 2, high: 1, everyEpochs: 0.5 }', 'full')).toEqual({
      kind: 'powersgd',
      options: expect.objectContaining({ rank: 1 }) as unknown,
      accordion: { level: 'rank', low: 2, high: 1, everyEpochs: 0.5, threshold: 0.5 },
    });
  });

  it('names the path, the value and what is allowed for every mistake at once', () => {
    expect(scenarioProblems(text('top-kk'))).toEqual([
      expect.stringMatching(/training\.schedule\.compressor.*top-kk.*did you mean "top-k"/),
    ]);
    const two = scenarioProblems(text('{ kind: top-k, ratio: 2, ratoi: 0.1 }'));
    expect(two).toHaveLength(2);
    expect(two).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/training\.schedule\.compressor\.ratio: got 2; expected a number/),
        expect.stringMatching(/training\.schedule\.compressor: unknown key "ratoi"/),
      ]),
    );
    expect(scenarioProblems(text('{ kind: accordion, compressor: sign, low: 1, high: 2 }'))).toEqual([
      expect.stringMatching(
        /training\.schedule\.compressor\.compressor.*accordion switches between two levels.*"sign" has none/,
      ),
    ]);
    expect(scenarioProblems(text('{ kind: accordion, compressor: powersgd, low: 0.5, high: 1 }'))).toEqual([
      expect.stringMatching(/training\.schedule\.compressor\.low.*low is a value of powersgd's rank/),
    ]);
  });

  it('refuses Accordion in timing-only mode at validation: its rule reads gradient norms', () => {
    expect(scenarioProblems(text('{ kind: accordion, compressor: powersgd, low: 2, high: 1 }'))).toEqual([
      expect.stringMatching(
        /training\.schedule\.compressor.*accordion decides each tensor's level from gradient norms/,
      ),
    ]);
  });

  it('refuses Accordion on the asynchronous parameter server', () => {
    expect(scenarioProblems(text('{ kind: accordion, compressor: top-k, low: 0.5, high: 0.05 }', 'async-ps'))).toEqual([
      expect.stringMatching(/accordion decides levels at synchronous steps/),
    ]);
  });
});
