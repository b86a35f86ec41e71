/**
 * links.csv data from a run: recorded on the flow model (`output.links`, auto by default), absent on
 * the others, and `output.links` validated.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { runScenario } from '../../src/scenario/run-scenario.ts';
import { storedRunText } from '../../src/results/run-store.ts';
import { scenarioProblems } from './helpers.ts';

const text = (model: string, links?: string): string =>
  `name: l\nmode: timing-only\ncluster:\n  nodes: [{ count: 4, gpu: A100-80GB }]\n  network: { model: ${model} }\nworkload: { timing: { kind: custom, stepTime: "10 ms", paramBytes: "40 MB" } }\ntraining: { stop: { updates: 5 } }\n${
    links === undefined ? '' : `output: { links: ${links} }\n`
  }`;

const run = (model: string, links?: string) => runScenario(parseScenario(text(model, links), 's.yaml').runs[0]!, 0);

describe('links.csv data of a run', () => {
  it('is recorded on the flow model by default, every byte sent on each link of its path', () => {
    const r = run('flow');
    const t = r.links!;
    expect(t.bins).toBeGreaterThan(0);
    expect(t.bins).toBeLessThanOrEqual(200);
    expect(t.endS).toBe(r.simTimeS);
    // Four nodes of one GPU: every transfer crosses the sender's gpu->nvswitch and nic->switch, then
    // the receiver's switch->nic and nvswitch->gpu, so the links carried 4 × the bytes the ranks sent.
    const total = t.links.reduce((a, l) => a + l.bytes.reduce((b, x) => b + x, 0), 0);
    expect(total / (4 * r.bytesSent)).toBeCloseTo(1, 9);
    expect(t.links.map((l) => l.name)).toContain('node0.gpu0->node0.nvswitch');
  });

  it('is absent on the analytical model, and the run and its stored text carry no trace of it', () => {
    const r = run('analytical');
    expect(r.links).toBeUndefined();
    expect(r.notes.filter((n) => n.includes('links'))).toEqual([]);
    expect(storedRunText('k', {}, r)).not.toContain('"links"');
    expect(parseScenario(text('analytical'), 's.yaml').runs[0]!.output).not.toHaveProperty('links');
  });

  it('follows output.links, and says when it cannot be recorded', () => {
    expect(run('flow', 'false').links).toBeUndefined();
    const r = run('analytical', 'true');
    expect(r.links).toBeUndefined();
    expect(r.notes).toContain('no links.csv: link utilisation needs network.model: flow (this run uses analytical)');
    expect(scenarioProblems(text('flow', 'sometimes'))).toEqual([
      expect.stringMatching(
        /output\.links: got "sometimes"; expected true, false or auto \(auto: links\.csv for network\.model flow up to 64 workers\)$/,
      ),
    ]);
  });
});
