import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, MAX_SCENARIO_BYTES, MAX_VALUES } from '../../src/scenario/limits.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import type { LoadOptions } from '../../src/scenario/load.ts';
import { parseText, parseValueText } from '../../src/scenario/source.ts';
import { scenarioProblems } from './helpers.ts';

const BASE = 'name: base\ncluster: { nodes: [{ count: 2, gpusPerNode: 4, gpu: A100-80GB }] }\n';

/** The formatted problems of a rejected scenario; fails the test if anything else is thrown. */
const problems = (text: string, file = 's.yaml', opts: LoadOptions = {}): string[] =>
  scenarioProblems(text, opts, file);

describe('aliases', () => {
  it('reports an undefined alias at its position and path, naming the missing anchor', () => {
    expect(problems('name: x\ncluster:\n  nodes: *nope\n')).toEqual([
      's.yaml:3:10: cluster.nodes: undefined alias *nope; an alias must follow an anchor &nope defined earlier in the file',
    ]);
  });

  it('reports an alias used before its anchor as undefined (YAML anchors come first)', () => {
    expect(problems('name: x\na: *later\nb: &later 3\ncluster: { nodes: [{ gpu: A100-80GB }] }\n')[0]).toMatch(
      /^s\.yaml:2:4: a: undefined alias \*later/,
    );
  });

  it('rejects an alias inside its own anchor, which would make circular data', () => {
    expect(problems('name: x\ncluster:\n  nodes: &n\n    - { gpu: A100-80GB }\n    - *n\n')).toEqual([
      's.yaml:5:7: cluster.nodes[1]: alias *n lies inside its own anchor &n, which would make the value contain itself',
    ]);
  });

  it('stops a billion-laughs file before expanding it, pointing at the alias that crosses the limit', () => {
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let k = 1; k < 9; k++) {
      const p = String.fromCharCode(96 + k);
      const c = String.fromCharCode(97 + k);
      levels.push(`${c}: &${c} [${Array(10).fill(`*${p}`).join(', ')}]`);
    }
    const text = `name: x\n${levels.join('\n')}\ncluster: { nodes: [{ gpu: A100-80GB }] }\n`;
    const out = problems(text);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      new RegExp(
        `^s\\.yaml:\\d+:\\d+: [a-i]\\[\\d+\\]: the file holds more than ${MAX_VALUES} values once aliases are expanded`,
      ),
    );
  });

  it('accepts aliases whose expansion stays within the limit, sharing the anchored value', () => {
    const text = 'name: x\ncluster:\n  nodes:\n    - &g { count: 1, gpusPerNode: 4, gpu: A100-80GB }\n    - *g\n';
    const s = parseScenario(text, 's.yaml').runs[0]!;
    expect(s.cluster.nodes.map((g) => g.gpusPerNode)).toEqual([4, 4]);
  });
});

describe('tags', () => {
  it.each([
    ['!foo', 'tag !foo is not allowed'],
    ['!!python/object:os.system', 'tag !!python/object:os.system is not allowed'],
    ['!!binary', 'tag !!binary is not allowed'],
    ['!!set', 'tag !!set is not allowed'],
    ['!!timestamp', 'tag !!timestamp is not allowed'],
  ])('rejects %s with the tag as written, where it is written', (tag, message) => {
    const out = problems(`name: x\ndescription: ${tag} hello\ncluster: { nodes: [{ gpu: A100-80GB }] }\n`);
    expect(out).toEqual([expect.stringContaining(`s.yaml:2:14: description: ${message}`)]);
  });

  it('rejects a tag on a collection and reports every tag at once', () => {
    const text = 'name: x\ncluster:\n  nodes: !!python/object/apply:os.system\n    - { gpu: !x A100-80GB }\n';
    const out = problems(text);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^s\.yaml:3:10: cluster\.nodes: tag !!python\/object\/apply:os\.system is not allowed/);
    expect(out[1]).toMatch(/^s\.yaml:4:14: cluster\.nodes\[0\]\.gpu: tag !x is not allowed/);
  });

  it('says when a core tag does not fit its value', () => {
    expect(problems(`${BASE}seed: !!int seven\n`)).toEqual([
      's.yaml:3:7: seed: tag !!int does not fit this value; write the value plainly, without a tag',
    ]);
  });

  it("keeps YAML's core tags, which only say what a plain value already is", () => {
    const s = parseScenario(`${BASE}description: !!str 42\nseed: !!int 7\n`, 's.yaml').runs[0]!;
    expect(s.seed).toBe(7);
  });
});

describe('structure', () => {
  it(`rejects nesting deeper than ${MAX_DEPTH} levels`, () => {
    const out = problems(`${BASE}description: ${'['.repeat(MAX_DEPTH + 5)}${']'.repeat(MAX_DEPTH + 5)}\n`);
    expect(out).toEqual([
      expect.stringMatching(
        new RegExp(`^s\\.yaml:3:\\d+: description(\\[0\\])+: lists and mappings nest deeper than ${MAX_DEPTH} levels`),
      ),
    ]);
  });

  it('turns the parser running out of stack on absurd nesting into a scenario error', () => {
    const out = problems(`${BASE}description: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    expect(out).toEqual([
      expect.stringMatching(/^s\.yaml:3:\d+: lists and mappings nest too deeply \(at most 64 levels\)$/),
    ]);
  });

  it('rejects a list or mapping used as a key instead of printing a warning', () => {
    expect(problems(`${BASE}? [a, b]\n: 1\n`)).toEqual([
      's.yaml:3:3: a mapping key must be a plain name (a string or number), not a list, mapping or alias',
    ]);
  });

  it('refuses a text over the size limit before parsing it, stating the limit', () => {
    const text = `${BASE}description: "${'x'.repeat(MAX_SCENARIO_BYTES)}"\n`;
    expect(problems(text)).toEqual([
      `s.yaml: the scenario is ${Buffer.byteLength(text)} bytes; at most ${MAX_SCENARIO_BYTES} bytes (128 KiB) are read`,
    ]);
  });

  it('counts the expanded values a text holds', () => {
    const r = parseText('a: &x [1, 2]\nb: *x\n', 's.yaml');
    expect(r.ok).toBe(true);
    // root mapping, 2 keys, list a with 2 items, and b repeating the 3 values of the list.
    if (r.ok) expect(r.source.values).toBe(1 + 2 + 3 + 3);
  });
});

describe('JSON files', () => {
  it('cannot hold aliases or tags: JSON.parse rejects them first, with a position', () => {
    expect(problems('{"name": "x", "cluster": *a}', 's.json')).toEqual([
      expect.stringMatching(/^s\.json:1:26: invalid JSON: .*'\*'/),
    ]);
    expect(problems('{"name": "x", "cluster": !foo {}}', 's.json')).toEqual([
      expect.stringMatching(/^s\.json:1:26: invalid JSON/),
    ]);
  });

  it('keeps tag-like strings as plain strings', () => {
    const s = parseScenario(
      '{"name": "x", "description": "!!python/object:os.system", "cluster": {"nodes": [{"gpu": "A100-80GB"}]}}',
      's.json',
    ).runs[0]!;
    expect(s.name).toBe('x');
  });

  it('applies the size limit to JSON too', () => {
    const text = `{"name": "x", "description": "${'x'.repeat(MAX_SCENARIO_BYTES)}"}`;
    expect(problems(text, 's.json')[0]).toMatch(/^s\.json: the scenario is \d+ bytes; at most 131072 bytes/);
  });
});

describe('--set values', () => {
  it('follow the same rules as the file: undefined aliases and tags are problems of that --set', () => {
    expect(
      problems(BASE, 's.yaml', {
        overrides: ['workload.batchSize=*big', 'description=!!python/object:os.system ls', 'seed=!!binary aGk='],
      }),
    ).toEqual([
      '--set workload.batchSize=*big: cannot read the value as YAML: undefined alias *big; an alias must follow an anchor &big defined earlier in the file',
      '--set description=!!python/object:os.system ls: cannot read the value as YAML: tag !!python/object:os.system is not allowed; scenario files take plain YAML values (strings, numbers, true/false, null, lists, mappings) with no tags',
      '--set seed=!!binary aGk=: cannot read the value as YAML: tag !!binary is not allowed; scenario files take plain YAML values (strings, numbers, true/false, null, lists, mappings) with no tags',
    ]);
  });

  it('may use anchors and aliases defined inside the value', () => {
    const s = parseScenario(BASE, 's.yaml', { overrides: ['cluster.nodes=[&g {gpu: A100-80GB}, *g]'] }).runs[0]!;
    expect(s.cluster.nodes).toHaveLength(2);
  });

  it('parseValueText reports a billion-laughs value without expanding it', () => {
    const v = parseValueText(
      `[&a [x, x, x, x, x, x, x, x, x, x], &b [${Array(10).fill('*a').join(',')}], &c [${Array(10).fill('*b').join(',')}], &d [${Array(10).fill('*c').join(',')}], &e [${Array(10).fill('*d').join(',')}], [${Array(10).fill('*e').join(',')}]]`,
    );
    expect(v).toEqual({
      ok: false,
      message: expect.stringContaining(`more than ${MAX_VALUES} values once aliases are expanded`),
    });
  });
});
