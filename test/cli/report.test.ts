/**
 * `dtsim report`: builds the report of the small CLI fixture's results and opens it in a real headless
 * Chromium (Debian's `chromium`, driven by puppeteer-core): the page must render its run table, plots
 * and Perfetto controls with no console or page errors. Also checks escaping, the one-line errors, and
 * that `dtsim run` may still replace a results folder holding its report.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportFolder } from '../../src/cli/commands/report.ts';
import { runFile } from '../../src/cli/commands/run.ts';
import { checkOutputTarget } from '../../src/results/output-target.ts';

const SMALL = resolve(import.meta.dirname, 'fixtures/small-run.yaml');
const root = mkdtempSync(join(tmpdir(), 'dtsim-report-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PLOT_TITLES = ['Test accuracy and loss over simulated time', 'Throughput', 'Worker timeline', 'Staleness'];
const INSTALL_HINT =
  'chromium is not installed; the report test needs a real browser: run `sudo apt-get install -y --no-install-recommends chromium` (or without sudo as root), or set CHROMIUM_PATH (.ci/run installs it)';

/** The Chromium to drive: $CHROMIUM_PATH, else `chromium` on the PATH; fails (never skips) without one. */
function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH ${fromEnv} does not exist; ${INSTALL_HINT}`);
    return fromEnv;
  }
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(INSTALL_HINT);
  }
}

async function report(dir: string, out?: string): Promise<string[]> {
  const lines: string[] = [];
  await reportFolder(dir, out === undefined ? {} : { out }, { out: (t) => lines.push(t) });
  return lines.join('').trim().split('\n');
}

describe('dtsim report', () => {
  const results = join(root, 'small');
  beforeAll(async () => {
    await runFile(SMALL, { out: results, quiet: true }, 'wasm');
  }, 60_000);

  it('renders in headless Chromium: title, run rows, plots, Perfetto controls, no errors', async () => {
    const lines = await report(results);
    const page = join(results, 'report.html');
    expect(lines.at(-1)).toBe(`report written to ${page}`);
    const html = readFileSync(page, 'utf8');
    expect(html).not.toMatch(/<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?\/\//); // nothing fetched
    expect(html).not.toContain('"traceEvents"'); // the trace is linked, never inlined

    const browser = await puppeteer.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-gpu'],
    });
    try {
      const tab = await browser.newPage();
      const problems: string[] = [];
      tab.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      tab.on('pageerror', (e) => problems.push(`page error: ${String(e)}`));
      tab.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      await tab.setViewport({ width: 1300, height: 900 });
      await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });

      expect(await tab.title()).toBe('dtsim report: small-run');
      const rows = await tab.$$eval('table.runs tbody tr', (trs) => trs.map((tr) => tr.children[2]?.textContent));
      expect(rows).toEqual(['sync-allreduce', 'async-ps', 'local-sgd']);
      const titles = await tab.$$eval('figure svg > title', (ts) => ts.map((t) => t.textContent));
      expect(titles).toEqual(PLOT_TITLES);
      const sizes = await tab.$$eval('figure svg', (ss) => ss.map((s) => s.getBoundingClientRect().width));
      for (const w of sizes) expect(w).toBeGreaterThan(100);
      expect(await tab.$eval('#perfetto-link', (a) => a.getAttribute('href'))).toBe('https://ui.perfetto.dev');
      expect(await tab.$eval('#trace-link', (a) => a.getAttribute('href'))).toBe('trace.json');
      expect(await tab.$eval('#open-perfetto', (b) => b.textContent)).toContain('Perfetto');
      expect(await tab.$eval('#scenario', (s) => s.textContent)).toContain('unchanged since the run');
      expect(await tab.$eval('#manifest details', (d) => d.hasAttribute('open'))).toBe(false);

      const shot = join(root, 'report.png');
      await tab.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(50_000);
      // Kept for a person to look at when asked (the temporary folder is removed after the tests).
      const keep = process.env.DTSIM_REPORT_SCREENSHOT;
      if (keep !== undefined && keep !== '') copyFileSync(shot, keep);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('escapes every value it puts in the page', async () => {
    const odd = join(root, 'odd');
    cpSync(results, odd, { recursive: true });
    const summary = readFileSync(join(odd, 'summary.csv'), 'utf8').replace(
      ',sync-allreduce,sync-allreduce,',
      ',"<img src=x onerror=alert(1)>",sync-allreduce,',
    );
    writeFileSync(join(odd, 'summary.csv'), summary);
    const out = join(root, 'elsewhere', 'r.html');
    await report(odd, out);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x');
    // Written elsewhere, the page links the trace where it is.
    expect(html).toContain('href="../odd/trace.json"');
  }, 60_000);

  it('leaves a results folder that dtsim run may still replace', () => {
    expect(() => checkOutputTarget(results, '--out', { cwd: root })).not.toThrow();
  });

  it('says in one line what is wrong with a folder that is not a results folder', async () => {
    await expect(report(join(root, 'missing'))).rejects.toThrow(/^no results folder .*missing$/);
    const empty = join(root, 'empty');
    mkdirSync(empty);
    await expect(report(empty)).rejects.toThrow(/has no summary\.csv; give a folder written by dtsim run$/);
  });
});
