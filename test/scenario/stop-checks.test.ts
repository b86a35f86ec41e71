import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { stopKeyHint } from '../../src/scenario/stop-checks.ts';
import { scenarioProblems } from './helpers.ts';

// allowOversubscribe: GPT-2 XL's activations at the default batch exceed 80 GB; memory is not what these test.
const CLUSTER =
  'name: s\ncluster: { nodes: [{ count: 2, gpusPerNode: 4, gpu: A100-80GB }], allowOversubscribe: true }\n';
const GPT = `${CLUSTER}mode: timing-only\nworkload: { timing: { kind: profile, name: gpt2-xl } }\n`;

const problems = scenarioProblems;

describe('stop keys from other tools', () => {
  it('points steps and iterations to updates, saying what an update is', () => {
    expect(problems(`${CLUSTER}training: { stop: { steps: 100 } }\n`)).toEqual([
      's.yaml:3:21: training.stop.steps: unknown key "steps"; allowed: epochs, updates, simTime, targetAccuracy; for "steps" write updates: N (an update is one change of the global model: one step for sync-allreduce and local-sgd, one fully applied gradient for async-ps)',
      's.yaml:3:19: training.stop: expected at least one of epochs, updates, simTime, targetAccuracy',
    ]);
    expect(stopKeyHint(['max_iterations'])).toMatch(/^for "max_iterations" write updates: N/);
  });

  it('points time and maxTime to simTime', () => {
    expect(problems(`${CLUSTER}training: { stop: { updates: 5, maxTime: "1 h" } }\n`)).toEqual([
      's.yaml:3:33: training.stop.maxTime: unknown key "maxTime"; allowed: epochs, updates, simTime, targetAccuracy; for "maxTime" write simTime, the simulated time, e.g. "2 h" (there is no wall-clock limit)',
    ]);
    expect(stopKeyHint(['time', 'steps'])).toMatch(/^for "steps" write updates: N .*; for "time" write simTime/);
    expect(stopKeyHint(['foo'])).toBeUndefined();
  });
});

describe('epochs in timing-only runs', () => {
  it('rejects epochs when a profile times the run, naming the proxy dataset and the alternatives', () => {
    expect(problems(`${GPT}training: { stop: { epochs: 1 } }\n`)).toEqual([
      's.yaml:5:29: training.stop.epochs: got 1 in a timing-only run with timing profile "gpt2-xl": an epoch is a pass over the proxy dataset mnist, which a timing-only run does not train and which is not gpt2-xl\'s data; stop with updates (an update is one change of the global model: one step for sync-allreduce and local-sgd, one fully applied gradient for async-ps) or simTime (simulated time, e.g. "1 h")',
    ]);
  });

  it('rejects the default stop (one epoch) there too, and custom timing likewise', () => {
    expect(problems(GPT)).toEqual([
      expect.stringMatching(
        /^s\.yaml:1:1: training\.stop: missing; a timing-only run with timing profile "gpt2-xl" needs a stop condition: the default, one epoch,/,
      ),
    ]);
    const custom = `${CLUSTER}mode: timing-only\nworkload: { timing: { kind: custom, paramBytes: "1 GB", stepTime: "1 s" } }\ntraining: { stop: { epochs: 2, simTime: "1 h" } }\n`;
    expect(problems(custom)).toEqual([
      expect.stringMatching(/^s\.yaml:5:29: training\.stop\.epochs: got 2 in a timing-only run with custom timing: /),
    ]);
  });

  it('rejects it when --timing-only makes a full scenario timing-only', () => {
    const full = `${CLUSTER}workload: { timing: { kind: profile, name: resnet50 } }\ntraining: { stop: { epochs: 3 } }\n`;
    expect(parseScenario(full, 's.yaml').runs[0]!.training.stop).toEqual({ epochs: 3 });
    expect(problems(full, { timingOnly: true })).toEqual([
      expect.stringMatching(
        /^s\.yaml:4:29: training\.stop\.epochs: got 3 in a timing-only run with timing profile "resnet50"/,
      ),
    ]);
    expect(
      parseScenario(full, 's.yaml', { timingOnly: true, overrides: ['training.stop={updates: 40}'] }).runs[0]!.training
        .stop,
    ).toEqual({ updates: 40 });
  });

  it('keeps epochs where they mean what is trained or timed: full mode, and timing from the proxy model', () => {
    expect(
      parseScenario(`${CLUSTER}mode: timing-only\ntraining: { stop: { epochs: 2 } }\n`, 's.yaml').runs[0]!.training
        .stop,
    ).toEqual({ epochs: 2 });
    expect(parseScenario(`${CLUSTER}mode: timing-only\n`, 's.yaml').runs[0]!.training.stop).toEqual({ epochs: 1 });
    expect(parseScenario(`${GPT}training: { stop: { updates: 10 } }\n`, 's.yaml').runs[0]!.training.stop).toEqual({
      updates: 10,
    });
  });
});
