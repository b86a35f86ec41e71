import { describe, expect, it } from 'vitest';
import { SCHEDULES } from '../../src/schedules/index.ts';
import { ScenarioError, formatIssue } from '../../src/scenario/errors.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import type { LoadOptions } from '../../src/scenario/load.ts';

/** The registry's schedule names, as the messages list them (a new schedule needs no edit here). */
const KNOWN_SCHEDULES = Object.keys(SCHEDULES).join(', ');

/** The registry's schedule names, as an unknown-schedule error lists them. */

/** The formatted problems of a scenario that must fail. */
function problems(text: string, file = 'bad.yaml', opts: LoadOptions = {}): string[] {
  try {
    parseScenario(text, file, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    const e = err as ScenarioError;
    const lines = e.issues.map(formatIssue);
    // The message carries every problem, so a CLI that prints it shows them all.
    for (const l of lines) expect(e.message).toContain(l);
    return lines;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('scenario errors', () => {
  it('reports several problems at once, each with file:line:col, path, value and what is allowed', () => {
    const text = [
      'name: bad', //                                                                       1
      'cluster:', //                                                                         2
      '  nodes:', //                                                                         3
      '    - { count: 2, gpu: A100-80G, nic: { bandwidth: "200 Gbit", latency: 5 } }', //     4
      '    - { count: 0, gpu: H100-SXM }', //                                                5
      'training:', //                                                                        6
      '  schedule: { kind: async-pss }', //                                                  7
      '  stop: { epochs: -1 }', //                                                           8
    ].join('\n');
    expect(problems(text)).toEqual([
      expect.stringMatching(
        /^bad\.yaml:4:24: cluster\.nodes\[0\]\.gpu: unknown GPU "A100-80G" \(did you mean "A100-80GB" or "A100-40GB"\?\); known: V100-16GB, /,
      ),
      'bad.yaml:4:52: cluster.nodes[0].nic.bandwidth: got "200 Gbit" (a size); expected a bandwidth such as "25 GB/s"',
      'bad.yaml:4:73: cluster.nodes[0].nic.latency: got 5; write it with a unit, e.g. "5 us"',
      'bad.yaml:5:16: cluster.nodes[1].count: got 0; expected an integer >= 1 and <= 65536',
      `bad.yaml:7:21: training.schedule.kind: unknown schedule "async-pss" (did you mean "async-ps"?); known: ${KNOWN_SCHEDULES}`,
      'bad.yaml:8:19: training.stop.epochs: got -1; expected a number > 0',
    ]);
  });

  it('lists the known GPUs with a did-you-mean for an unknown one', () => {
    const [p] = problems('name: a\ncluster: { nodes: [{ gpu: H100 }] }\n');
    expect(p).toMatch(
      /^bad\.yaml:2:27: cluster\.nodes\[0\]\.gpu: unknown GPU "H100" \(did you mean "H100-SXM" or "H100-PCIe"\?\); known: V100-16GB, .*A100-80GB/,
    );
  });

  it('lists the known schedules for an unknown one, and the allowed keys for a misspelt key', () => {
    expect(
      problems('name: a\ncluster: { nodes: [{ gpu: T4 }] }\ntraining: { schedule: { kind: teleport } }\n'),
    ).toEqual([`bad.yaml:3:31: training.schedule.kind: unknown schedule "teleport"; known: ${KNOWN_SCHEDULES}`]);
    expect(
      problems('name: a\ncluster: { nodes: [{ gpu: T4 }] }\ntraining: { schedule: { kind: async-ps, shard: 2 } }\n'),
    ).toEqual([
      'bad.yaml:3:41: training.schedule.shard: unknown key "shard" (did you mean "shards"?); allowed: kind, shards, servers, lrScaling, stagger, compressor',
    ]);
  });

  it('rejects the old async-ps options maxStaleness and clockBound, pointing to ssp and saying they count clocks, not versions', () => {
    const [p, ...rest] = problems(
      'name: a\ncluster: { nodes: [{ gpu: T4 }] }\ntraining: { schedule: { kind: async-ps, maxStaleness: 2 } }\n',
    );
    expect(rest).toEqual([]);
    expect(p).toMatch(/^bad\.yaml:3:41: training\.schedule\.maxStaleness: unknown key "maxStaleness"/);
    expect(p).toContain('allowed: kind, shards, servers, lrScaling, stagger, compressor');
    expect(p).toContain('moved to the ssp schedule');
    expect(p).toMatch(/bounds SSP clocks .*not the staleness τ .* in model versions/);
    const [c, ...more] = problems(
      'name: a\ncluster: { nodes: [{ gpu: T4 }] }\ntraining: { schedule: { kind: async-ps, clockBound: 2 } }\n',
    );
    expect(more).toEqual([]);
    expect(c).toMatch(/training\.schedule\.clockBound: unknown key "clockBound"/);
    expect(c).toContain('the ssp schedule now (kind: ssp, staleness: s)');
    expect(c).toMatch(/counted clocks .*not the versions τ/);
    // The note belongs to async-ps: the same key on another schedule is only an unknown key.
    const [q] = problems(
      'name: a\ncluster: { nodes: [{ gpu: T4 }] }\ntraining: { schedule: { kind: local-sgd, maxStaleness: 2 } }\n',
    );
    expect(q).toMatch(/unknown key "maxStaleness"; allowed: kind, localSteps, algorithm, compressor$/);
  });

  it('names the expected dimension for a quantity with the wrong unit', () => {
    expect(problems('name: a\ncluster: { nodes: [{ gpu: T4, nic: { bandwidth: "10 ms" } }] }\n')).toEqual([
      'bad.yaml:2:49: cluster.nodes[0].nic.bandwidth: got "10 ms" (a duration); expected a bandwidth such as "25 GB/s"',
    ]);
  });

  it('reports YAML duplicate keys and syntax errors with their position', () => {
    expect(problems('name: a\ncluster: { nodes: [{ gpu: T4 }] }\nname: b\n')).toEqual([
      'bad.yaml:3:1: duplicate key "name"; each key may appear once in a mapping',
    ]);
    expect(problems('name: a\ncluster: { nodes: [{ gpu: T4 }\n')[0]).toMatch(/^bad\.yaml:\d+:\d+: YAML syntax error: /);
  });

  it('reports JSON syntax errors with line and column, and JSON duplicate keys', () => {
    const [p] = problems('{\n  "name": "a",\n  "cluster": { "nodes": [ { "gpu": "T4" }, ] }\n}\n', 'bad.json');
    expect(p).toMatch(/^bad\.json:3:\d+: invalid JSON: /);
    expect(problems('{ "name": "a", "name": "b", "cluster": { "nodes": [{ "gpu": "T4" }] } }', 'bad.json')).toEqual([
      'bad.json:1:16: duplicate key "name"; each key may appear once in a mapping',
    ]);
  });

  it('maps errors from buildTopology to its section, and from the optimizer factories to the option they name', () => {
    const lines = problems(`
name: a
cluster:
  nodes: [{ count: 4, gpu: T4 }]
  network: { topology: { kind: leaf-spine, nodesPerLeaf: 2, spines: 2, oversubscription: 2, uplink: { bandwidth: "1 GB/s", latency: "1 us" } } }
training: { optimizer: { kind: momentum, momentum: 1.5 } }
`);
    expect(lines).toEqual([
      'bad.yaml:5:24: cluster.network.topology: leaf-spine: give either uplink or oversubscription, not both',
      'bad.yaml:6:52: training.optimizer.momentum: momentum must be in [0, 1), got 1.5',
    ]);
  });

  it('rejects failures as not simulated yet, and plain sgd with momentum with a pointer to the right kind', () => {
    const lines = problems(
      'name: a\ncluster:\n  nodes: [{ gpu: T4 }]\n  failures: { mtbf: "1 h" }\ntraining: { optimizer: { kind: sgd, momentum: 0.9 } }\n',
    );
    expect(lines).toEqual([
      expect.stringMatching(/^bad\.yaml:4:13: cluster\.failures: failures are not simulated by the schedules yet/),
      expect.stringMatching(
        /^bad\.yaml:5:37: training\.optimizer\.momentum: unknown key "momentum"; .*use kind: momentum \(heavy ball\) or kind: nesterov$/,
      ),
    ]);
  });

  it('checks worker lists against the cluster size and formulas against integer fields', () => {
    const lines = problems(`
name: a
cluster:
  nodes: [{ count: 3, gpusPerNode: 4, gpu: T4 }]
  stragglers: [{ kind: constant, factor: 2, workers: [3, 12] }]
workload: { batchSize: "4096 / workers" }
`);
    expect(lines).toEqual([
      'bad.yaml:5:58: cluster.stragglers[0].workers[1]: got worker 12; the cluster has 12 workers (ranks 0..11)',
      'bad.yaml:6:24: workload.batchSize: formula "4096 / workers" gives 341.3333333333333 with workers = 12; expected an integer >= 1 and <= 1048576',
    ]);
  });

  it('rejects a target accuracy as the only stop condition of a timing-only run', () => {
    expect(
      problems(
        'name: a\nmode: timing-only\ncluster: { nodes: [{ gpu: T4 }] }\ntraining: { stop: { targetAccuracy: 0.9 } }\n',
      ),
    ).toEqual([
      expect.stringMatching(/^bad\.yaml:4:37: training\.stop\.targetAccuracy: timing-only runs do not evaluate/),
    ]);
  });

  it('reads a straggler trace relative to the scenario file and reports a malformed one', () => {
    const files: Record<string, string> = {
      '/s/ok.csv': 'time_s,worker,factor\n0,1,2\n',
      '/s/bad.csv': 'time_s,worker,factor\n0,1,-2\n',
    };
    const readFile = (p: string): string => {
      const t = files[p];
      if (t === undefined) throw new Error('ENOENT');
      return t;
    };
    const ok = parseScenario(
      'name: a\ncluster: { nodes: [{ gpu: T4 }], stragglers: [{ kind: trace, file: ok.csv }] }\n',
      '/s/x.yaml',
      { readFile },
    );
    expect(ok.runs[0]!.cluster.stragglers).toEqual([
      { kind: 'trace', options: { file: '/s/ok.csv', text: files['/s/ok.csv'] } },
    ]);
    expect(
      problems(
        'name: a\ncluster: { nodes: [{ gpu: T4 }], stragglers: [{ kind: trace, file: bad.csv }] }\n',
        '/s/x.yaml',
        { readFile },
      ),
    ).toEqual([
      expect.stringMatching(
        /^\/s\/x\.yaml:2:68: cluster\.stragglers\[0\]\.file: \/s\/bad\.csv:2: factor must be a finite number > 0/,
      ),
    ]);
    expect(
      problems(
        'name: a\ncluster: { nodes: [{ gpu: T4 }], stragglers: [{ kind: trace, file: none.csv, workers: [0] }] }\n',
        '/s/x.yaml',
        { readFile },
      ),
    ).toEqual([
      expect.stringMatching(/stragglers\[0\]\.file: cannot read \/s\/none\.csv: ENOENT/),
      expect.stringMatching(/stragglers\[0\]\.workers: unknown key "workers"; allowed: kind, file/),
    ]);
  });

  it('requires name and cluster and a mapping at the top', () => {
    expect(problems('seed: 3\n')).toEqual([
      'bad.yaml:1:1: name: missing; expected a string',
      'bad.yaml:1:1: cluster: missing; expected a mapping (key: value)',
    ]);
    expect(problems('- a\n- b\n')).toEqual([
      'bad.yaml:1:1: got a list; expected a mapping with at least name and cluster',
    ]);
    expect(problems('# only a comment\n')).toEqual([
      'bad.yaml:1:1: the file holds no data; expected a mapping with at least name and cluster',
    ]);
  });
});
