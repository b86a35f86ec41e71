import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from '../../src/scenario/load.ts';

const DIR = resolve(import.meta.dirname, '../../scenarios');

describe('scenarios/', () => {
  const files = readdirSync(DIR).filter((f) => /\.(ya?ml|json)$/.test(f));

  it('has the quick start and one scenario per feature', () => {
    expect(files).toContain('quickstart.yaml');
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  for (const f of files) {
    it(`${f} validates`, () => {
      const { runs } = loadScenario(join(DIR, f));
      expect(runs.length).toBeGreaterThan(0);
    });
  }

  it('lists every scenario file in scenarios/README.md and in README.md', () => {
    const local = readFileSync(join(DIR, 'README.md'), 'utf8');
    const top = readFileSync(resolve(DIR, '../README.md'), 'utf8');
    for (const f of files) {
      expect(local).toContain(`| \`${f}\` |`);
      expect(top).toContain(`| \`${f}\` |`);
    }
  });

  it('quickstart says on screen what it compares', () => {
    const { runs } = loadScenario(join(DIR, 'quickstart.yaml'));
    expect(runs).toHaveLength(4);
    expect(runs[0]!.description).toMatch(/^Quick start: which schedule reaches 93% test accuracy first\?/);
    expect(runs[0]!.description).toContain('expected to fail');
  });

  it('quickstart compares sync, async and local-sgd in full mode', () => {
    const { runs } = loadScenario(join(DIR, 'quickstart.yaml'));
    expect(new Set(runs.map((r) => r.training.schedule.kind))).toEqual(
      new Set(['sync-allreduce', 'async-ps', 'local-sgd']),
    );
    for (const r of runs) expect(r.mode).toBe('full');
  });
});

describe('cross-field checks', () => {
  it('rejects a precision that one of the GPUs lacks, naming the GPU and what it has', () => {
    const text =
      'name: x\ncluster:\n  nodes:\n    - { gpu: V100-32GB }\nworkload:\n  timing: { kind: profile, name: resnet50 }\n  precision: bf16\n';
    expect(() => parseScenario(text, 'x.yaml')).toThrow(
      /x\.yaml:7:\d+: workload\.precision: V100-32GB \(has fp32, fp16\) cannot run bf16/,
    );
  });
});
