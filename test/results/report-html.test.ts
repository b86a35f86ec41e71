/** The report's HTML helpers: escaping, hrefs, inline SVGs, shell quoting and the generator marker. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { esc, hrefOf, inlineSvg } from '../../src/results/report/html.ts';
import { isDtsimReport, REPORT_GENERATOR_META } from '../../src/results/report/marker.ts';
import { shellWord } from '../../src/results/report/sections.ts';

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
