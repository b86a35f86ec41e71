import { describe, expect, it } from 'vitest';
import { linksPlot } from '../../../src/results/plots/spec-links.ts';
import { parseTable } from '../../../src/results/plots/tables.ts';
import { LINKS_COLUMNS } from '../../../src/results/link-rows.ts';

/** links.csv text: `n` links, link k at utilisation k / n in each of 3 bins of 1 s. */
function csv(n: number): string {
  const lines = [LINKS_COLUMNS.join(',')];
  for (let k = 0; k < n; k++)
    for (let i = 0; i < 3; i++)
      lines.push(`0,${k},a${k}->b${k},a${k},b${k},100,${i},${i + 1},${k * (100 / n)},${k / n}`);
  return `${lines.join('\n')}\n`;
}

describe('link-utilisation plot', () => {
  it('draws the links with the highest mean utilisation, as steps to the end of the last bin', () => {
    const p = linksPlot(
      parseTable(csv(10)),
      [{ runId: 0, label: 'run 0: x', seed: '1', configKey: '', configLabel: '' }],
      {
        runs: 4,
        links: 3,
      },
    );
    if (!('spec' in p)) throw new Error(p.reason);
    const spec = p.spec as {
      title: { subtitle: string[] };
      data: { values: { link: string; t: number; utilization: number }[] };
    };
    expect(p.name).toBe('link-utilisation');
    expect([...new Set(spec.data.values.map((v) => v.link))]).toEqual(['a9->b9', 'a8->b8', 'a7->b7']);
    expect(spec.data.values.filter((v) => v.link === 'a9->b9').map((v) => v.t)).toEqual([0, 1, 2, 3]);
    expect(spec.title.subtitle[1]).toBe(
      'the 3 links with the highest mean utilisation, of 10 that carried traffic (links.csv has them all)',
    );
  });

  it('says why when links.csv has no rows', () => {
    expect(linksPlot(parseTable(`${LINKS_COLUMNS.join(',')}\n`), [])).toEqual({
      name: 'link-utilisation',
      reason: 'links.csv has no rows',
    });
  });
});
