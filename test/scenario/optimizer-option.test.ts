/**
 * The `optimizer` option kind, through the scenario loader, on a test-only schedule added to the
 * registry (no registered schedule declares one yet).
 */
import { describe, expect, it, vi } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { compressorField } from '../../src/scenario/option-kinds.ts';
import { OUTER_OPTIMIZER } from './fixture-schedules.ts';
import { scenarioProblems } from './helpers.ts';

vi.mock('../../src/schedules/index.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/schedules/index.ts')>();
  const { OUTER_OPTIMIZER: fixture } = await import('./fixture-schedules.ts');
  return { ...real, SCHEDULES: Object.freeze({ ...real.SCHEDULES, [fixture.name]: fixture }) };
});

/** A scenario whose schedule is the fixture with `outer` as written (line 5 holds it). */
const text = (outer?: string): string => `name: s
mode: timing-only
cluster: { nodes: [{ count: 1, gpusPerNode: 4, gpu: A100-80GB }] }
training:
  schedule: { kind: ${OUTER_OPTIMIZER.name}${outer === undefined ? '' : `, outer: ${outer}`} }
  stop: { updates: 1 }
`;

const parsed = (outer?: string): unknown =>
  parseScenario(text(outer), 's.yaml').runs[0]!.training.schedule.options['outer'];

describe('an optimizer option', () => {
  it("is the descriptor's default, filled from the registry, when absent", () => {
    expect(parsed()).toEqual({ kind: 'nesterov', lr: 0.7, options: { momentum: 0.9, weightDecay: 0 } });
    expect(parsed('{}')).toEqual({ kind: 'nesterov', lr: 0.7, options: { momentum: 0.9, weightDecay: 0 } });
  });

  it("keeps the default's kind and values for what it does not give", () => {
    expect(parsed('{ momentum: 0.8 }')).toEqual({
      kind: 'nesterov',
      lr: 0.7,
      options: { momentum: 0.8, weightDecay: 0 },
    });
    expect(parsed('{ kind: nesterov, learningRate: 0.5 }')).toEqual({
      kind: 'nesterov',
      lr: 0.5,
      options: { momentum: 0.9, weightDecay: 0 },
    });
  });

  it("starts from the registry's defaults under another kind, with no rate of its own unless given", () => {
    expect(parsed('{ kind: sgd }')).toEqual({ kind: 'sgd', options: { weightDecay: 0 } });
    expect(parsed('{ kind: adam, learningRate: 0.001, beta2: 0.99 }')).toEqual({
      kind: 'adam',
      lr: 0.001,
      options: { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0 },
    });
  });

  it('names an unknown kind with the known ones, at its file position and path', () => {
    expect(scenarioProblems(text('{ kind: nesterof }'))).toEqual([
      's.yaml:5:51: training.schedule.outer.kind: unknown optimizer "nesterof" (did you mean "nesterov"?); ' +
        'known: sgd, momentum, nesterov, adam, adamw',
    ]);
  });

  it('lists the allowed keys for an unknown one, with a hint where it belongs', () => {
    const [sgdMomentum] = scenarioProblems(text('{ kind: sgd, momentum: 0.9 }'));
    expect(sgdMomentum).toMatch(/^s\.yaml:5:\d+: training\.schedule\.outer\.momentum: unknown key "momentum"/);
    expect(sgdMomentum).toMatch(/weightDecay, learningRate.*"sgd" has no momentum; use kind: momentum/);
    const [schedule] = scenarioProblems(text('{ lrSchedule: { kind: cosine } }'));
    expect(schedule).toMatch(/training\.schedule\.outer\.lrSchedule: unknown key .*give a constant learningRate/);
  });

  it('takes only numbers in range, each reported at its option', () => {
    expect(scenarioProblems(text('{ momentum: true }'))).toEqual([
      expect.stringMatching(/^s\.yaml:5:\d+: training\.schedule\.outer\.momentum: got true; expected a number/),
    ]);
    expect(scenarioProblems(text('{ momentum: 1.5 }'))).toEqual([
      expect.stringMatching(/training\.schedule\.outer\.momentum: momentum must be in \[0, 1\), got 1\.5$/),
    ]);
    expect(scenarioProblems(text('{ learningRate: 0 }'))).toEqual([
      expect.stringMatching(/^s\.yaml:5:\d+: training\.schedule\.outer\.learningRate: got 0; expected a number > 0$/),
    ]);
  });

  it('is reported with the problems of other sections, all at once', () => {
    const problems = scenarioProblems(text('{ kind: sgd, beta1: 0.9 }'), { overrides: ['workload.batchSize=0'] });
    expect(problems).toHaveLength(2);
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/training\.schedule\.outer\.beta1: unknown key/)]),
    );
  });
});

describe('a compressor option', () => {
  it('cannot default to an unregistered compressor: building the schema says so', () => {
    expect(() => compressorField('no-such')).toThrow(
      /a compressor option's default "no-such" is not in COMPRESSORS \(registered: top-k, random-k, powersgd/,
    );
    expect(() => compressorField('top-k')).not.toThrow();
  });
});
