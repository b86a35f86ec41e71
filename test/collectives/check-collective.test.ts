import { describe, expect, it } from 'vitest';
import { checkCollective } from '../../src/collectives/communicator.ts';
import { switchTopology } from '../../src/network/switch-topology.ts';
import { node } from '../network/helpers.ts';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('checkCollective', () => {
  it('makes the checks Communicator.run makes, without a simulator', () => {
    const t = switchTopology([node(8), node(4)]);
    expect(checkCollective(t, 'all-reduce', range(12), 0, { algorithm: 'ring' }).algo.name).toBe('ring');
    expect(() => checkCollective(t, 'all-reduce', range(12), 0, { algorithm: 'halving-doubling' })).toThrow(
      /halving-doubling needs a power-of-two group, got 12 ranks/,
    );
    expect(() => checkCollective(t, 'all-reduce', range(12), 0, { algorithm: 'hierarchical' })).toThrow(
      /same number of group members on every node, got 8, 4/,
    );
    expect(() => checkCollective(t, 'all-reduce', [0, 0], 0)).toThrow(/rank 0 appears twice/);
    expect(() => checkCollective(t, 'all-reduce', [12], 0)).toThrow(/rank 12 is not in the topology \(0\.\.11\)/);
    expect(() => checkCollective(t, 'all-reduce', range(8), 0, { algorithm: 'nope' })).toThrow(
      /unknown collective algorithm 'nope'/,
    );
  });

  it('accepts what the algorithms accept: a power-of-two group for halving-doubling, even nodes for hierarchical', () => {
    const t = switchTopology([node(4), node(4)]);
    expect(() => checkCollective(t, 'all-reduce', range(8), 1e6, { algorithm: 'halving-doubling' })).not.toThrow();
    expect(() => checkCollective(t, 'all-reduce', range(8), 1e6, { algorithm: 'hierarchical' })).not.toThrow();
  });
});
