/** The report's HTML helpers: escaping, hrefs, inline SVGs, shell quoting and the generator marker. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { esc, hrefOf, inlineSvg } from '../../src/results/report/html.ts';
import { isDtsimReport, REPORT_GENERATOR_META } from '../../src/results/report/marker.ts';
import { shellWord } from '../../src/results/report/sections.ts';
import { repeatsTableHtml, summaryTableHtml } from '../../src/results/report/summary-html.ts';

const root = mkdtempSync(join(tmpdir(), 'dtsim-report-html-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('report HTML helpers', () => {
  it('escapes the five HTML specials', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('percent-encodes path segments of an href and keeps the slashes', () => {
    expect(hrefOf('../a#b/50% "x"/trace.json')).toBe('../a%23b/50%25%20%22x%22/trace.json');
  });

  it('gives an inline SVG a title and prefixes its ids', () => {
    const svg = inlineSvg('<svg width="1"><clipPath id="c1"/><g clip-path="url(#c1)"/></svg>', 'p', 'A <b>');
    expect(svg).toBe(
      '<svg width="1" role="img" aria-label="A &lt;b&gt;"><title>A &lt;b&gt;</title><clipPath id="p-c1"/><g clip-path="url(#p-c1)"/></svg>',
    );
  });

  it('quotes shell words only when needed', () => {
    expect(shellWord('scenarios/quickstart.yaml')).toBe('scenarios/quickstart.yaml');
    expect(shellWord('training.stop={updates: 30}')).toBe(`'training.stop={updates: 30}'`);
    expect(shellWord(`it's`)).toBe(`'it'\\''s'`);
  });

  it("knows a report.html by its generator tag, and a user's file as not dtsim's", () => {
    const ours = join(root, 'ours.html');
    writeFileSync(ours, `<!DOCTYPE html><html><head><meta charset="utf-8">${REPORT_GENERATOR_META}</head></html>`);
    const theirs = join(root, 'theirs.html');
    writeFileSync(theirs, '<html>mine</html>');
    expect(isDtsimReport(ours)).toBe(true);
    expect(isDtsimReport(theirs)).toBe(false);
    expect(isDtsimReport(join(root, 'absent.html'))).toBe(false);
  });
});

describe('report tables with repeats', () => {
  it('lists runs only in the run table and a mean ± 95% interval per configuration below it', () => {
    const run = (id: string, seed: string, t: string): Record<string, string> => ({
      run_id: id,
      point: `sync, seed=${seed}`,
      sim_time_s: t,
      row_kind: 'run',
      config_id: '0',
    });
    const agg = (kind: string, t: string, acc: string): Record<string, string> => ({
      run_id: '',
      point: 'sync',
      sim_time_s: t,
      final_accuracy: acc,
      row_kind: kind,
      config_id: '0',
    });
    const table = {
      columns: ['run_id', 'point', 'sim_time_s', 'final_accuracy', 'row_kind', 'config_id'],
      rows: [
        run('0', '1', '2'),
        run('1', '2', '4'),
        agg('n', '2', '2'),
        agg('mean', '3', '0.9'),
        agg('ci95_half_width', '12.706', '0.05'),
      ],
    };
    const html = summaryTableHtml(table);
    // Two runs in the run table, not five rows.
    expect(html.split('<table class="runs">')[1]!.split('</table>')[0]!.match(/<tr>/g)).toHaveLength(3);
    expect(html).toContain('Repeats: mean ± 95% confidence interval');
    expect(html).toContain('<td>sync</td><td class="num">2</td>');
    expect(html).toMatch(/90\.0% ± 5\.0%/);
    // Without repeats there is no second table.
    expect(repeatsTableHtml({ columns: table.columns, rows: [run('0', '1', '2')] })).toBe('');
  });
});
