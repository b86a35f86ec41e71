import { describe, expect, it } from 'vitest';
import { TOPOLOGIES, buildTopology } from '../../src/network/topologies.ts';
import { nodes } from './helpers.ts';

describe('TOPOLOGIES registry', () => {
  it('lists switch, leaf-spine, ring and rail, each with a description and documented options', () => {
    expect(Object.keys(TOPOLOGIES).sort()).toEqual(['leaf-spine', 'rail', 'ring', 'switch']);
    for (const info of Object.values(TOPOLOGIES)) {
      expect(info.description.length).toBeGreaterThan(10);
      for (const opt of Object.values(info.options) as { description: string }[])
        expect(opt.description.length).toBeGreaterThan(5);
    }
    expect(Object.keys(TOPOLOGIES['leaf-spine'].options)).toEqual([
      'nodesPerLeaf',
      'spines',
      'uplink',
      'oversubscription',
    ]);
  });

  it('builds by name', () => {
    expect(buildTopology('switch', nodes(2, 2)).kind).toBe('switch');
    expect(buildTopology('ring', nodes(3, 1)).kind).toBe('ring');
    expect(buildTopology('leaf-spine', nodes(4, 1), { nodesPerLeaf: 2, spines: 2 }).kind).toBe('leaf-spine');
  });

  it('names the known choices when a name or option is unknown, and asks for required options', () => {
    expect(() => buildTopology('torus', nodes(2, 1))).toThrow(
      /unknown topology 'torus'; known: switch, leaf-spine, ring/,
    );
    expect(() => buildTopology('switch', nodes(2, 1), { spines: 2 })).toThrow(/no option 'spines'; known: \(none\)/);
    expect(() => buildTopology('leaf-spine', nodes(2, 1), { spines: 2 })).toThrow(/needs option 'nodesPerLeaf'/);
  });
});
