import { describe, expect, it } from 'vitest';
import { LINKS_COLUMNS, hasLinks, linksCsv } from '../../src/results/link-rows.ts';
import type { RunLinks } from '../../src/results/link-rows.ts';
import type { RunResult } from '../../src/results/recorder.ts';

/** A result with only what links.csv reads. */
const run = (runId: number, links?: RunLinks): RunResult =>
  ({ runId, ...(links === undefined ? {} : { links }) }) as unknown as RunResult;

describe('links.csv', () => {
  it('writes one row per link and bin, with round edges, the last bin ending at the run end', () => {
    // Bins of 2 × 10^-3 s; the run ends at 5.5 ms, so bin 2 covers [4 ms, 5.5 ms).
    const t: RunLinks = {
      binMantissa: 2,
      binExponent: -3,
      bins: 3,
      endS: 0.0055,
      links: [{ link: 4, name: 'node0.nic->leaf0', bandwidth: 1e9, bytes: [2e6, 1e6, 1.5e6] }],
    };
    const lines = linksCsv([run(0), run(1, t)]).split('\n');
    expect(lines[0]).toBe(LINKS_COLUMNS.join(','));
    // 2e6 B in 2 ms at 1e9 B/s is full; 1e6 B half; 1.5e6 B in the 1.5 ms last bin full again.
    expect(lines.slice(1)).toEqual([
      '1,4,node0.nic->leaf0,node0.nic,leaf0,1000000000,0,0.002,2000000,1',
      '1,4,node0.nic->leaf0,node0.nic,leaf0,1000000000,0.002,0.004,1000000,0.5',
      '1,4,node0.nic->leaf0,node0.nic,leaf0,1000000000,0.004,0.0055,1500000,1',
      '',
    ]);
  });

  it('is written only when some run recorded links', () => {
    expect(hasLinks([run(0)])).toBe(false);
    expect(hasLinks([run(0), run(1, { binMantissa: 1, binExponent: 0, bins: 0, endS: 0, links: [] })])).toBe(true);
  });
});
