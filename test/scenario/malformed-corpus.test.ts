/**
 * The malformed-scenario corpus (issue 9): every `test/fixtures/malformed/<name>.yaml|.json` is a broken
 * scenario, and `<name>.expected` lists lines that must each appear in the error output of
 * `dtsim validate test/fixtures/malformed/<name>.yaml` run from the repository root. Each fixture is
 * checked three ways: through the validate command's code path, through `runFile` (rejected with a
 * ScenarioError, nothing written), and through the real CLI: one `dtsim validate` process for all
 * fixtures, and `dtsim run` for a small sample (process start-up costs about a second each).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFile } from '../../src/cli/commands/run.ts';
import { validateFiles } from '../../src/cli/commands/validate.ts';
import { ScenarioError } from '../../src/scenario/errors.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const DIR = 'test/fixtures/malformed';
const BIN = join(ROOT, 'bin/dtsim.js');
const entries = readdirSync(join(ROOT, DIR)).sort();
const fixtures = entries.filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => `${DIR}/${f}`);
const stem = (file: string): string => file.replace(/\.(ya?ml|json)$/, '');

/** The lines a fixture's error output must contain (empty lines skipped, trailing spaces ignored). */
function expectedLines(file: string): string[] {
  return readFileSync(join(ROOT, `${stem(file)}.expected`), 'utf8')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every problem line names the file with line:col, or with the path inside the scenario. */
function expectNamesFileAndPlace(output: string, file: string): void {
  const problems = output.split('\n').filter((l) => l.startsWith('  '));
  expect(problems.length).toBeGreaterThan(0);
  const placed = new RegExp(`^  ${escape(file)}(?::\\d+:\\d+: |: [\\w.$"\\[\\]-]+: )`);
  for (const p of problems) expect(p).toMatch(placed);
}

/** What a user must never see: a stack frame or a Node internal. */
function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(/^\s+at /m);
  expect(text).not.toContain('node:internal');
}

function run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

// Messages name the file as given, relative to the repository root, so the tests run from there.
const cwd = process.cwd();
const tmp = mkdtempSync(join(tmpdir(), 'dtsim-malformed-'));
const resultsDir = join(ROOT, 'results');
const listResults = (): string[] => (existsSync(resultsDir) ? readdirSync(resultsDir).sort() : []);
let resultsBefore: string[] = [];
beforeAll(() => {
  process.chdir(ROOT);
  resultsBefore = listResults();
});
afterAll(() => {
  process.chdir(cwd);
  rmSync(tmp, { recursive: true, force: true });
});

describe('the malformed-scenario corpus', () => {
  it('has at least 60 fixtures, each with an .expected file of at least one line, and no .expected without a fixture', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(60);
    for (const f of fixtures) {
      expect(existsSync(join(ROOT, `${stem(f)}.expected`)), `${f} has no .expected file`).toBe(true);
      expect(expectedLines(f).length, `${stem(f)}.expected is empty`).toBeGreaterThan(0);
    }
    const stems = new Set(fixtures.map((f) => stem(f).slice(DIR.length + 1)));
    for (const e of entries.filter((f) => f.endsWith('.expected')))
      expect(stems.has(e.slice(0, -'.expected'.length)), `${e} has no fixture`).toBe(true);
  });

  it('holds a different error in every fixture', () => {
    // The expected text without the file name: two fixtures expecting the same text test the same thing.
    const texts = fixtures.map((f) =>
      expectedLines(f)
        .map((l) => l.replace(f, ''))
        .join('\n'),
    );
    const repeated = texts.filter((t, i) => texts.indexOf(t) !== i);
    expect(repeated).toEqual([]);
  });
});

describe('dtsim validate on each malformed scenario (command code path)', () => {
  for (const file of fixtures) {
    it(`rejects ${file} with its expected error`, async () => {
      let out = '';
      let err = '';
      const failed = await validateFiles([file], {}, { out: (t) => (out += t), err: (t) => (err += t) });
      expect(failed).toBe(1);
      expect(out).toBe('');
      expect(err).toMatch(new RegExp(`^invalid scenario ${escape(file)} \\(\\d+ problems?\\):\n`));
      for (const line of expectedLines(file)) expect(err).toContain(line);
      expectNamesFileAndPlace(err, file);
    });
  }
});

describe('dtsim run on each malformed scenario (runFile)', () => {
  for (const file of fixtures) {
    it(`rejects ${file} before running and writes nothing`, async () => {
      const out = join(tmp, stem(file).slice(DIR.length + 1));
      const error = await runFile(file, { out, quiet: true }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ScenarioError);
      for (const line of expectedLines(file)) expect((error as ScenarioError).message).toContain(line);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('left nothing under results/ and nothing in the temporary folder', () => {
    expect(listResults()).toEqual(resultsBefore);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('the dtsim command on the corpus', () => {
  it("validate: one process for all fixtures prints each one's expected error, no stack trace and no ok", async () => {
    const r = await run(['validate', ...fixtures]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expectNoStackTrace(r.stderr);
    // One block per file, in argument order: its header, then its problem lines.
    const blocks = r.stderr.split(/^(?=invalid scenario )/m).filter((b) => b !== '');
    expect(blocks.map((b) => /^invalid scenario (\S+) /.exec(b)?.[1])).toEqual(fixtures);
    blocks.forEach((block, i) => {
      const file = fixtures[i]!;
      for (const line of expectedLines(file)) expect(block, file).toContain(line);
      expectNamesFileAndPlace(block, file);
    });
  });

  it('run: exits non-zero without a stack trace, claims nothing and writes nothing (a sample)', async () => {
    // One of each family: YAML syntax, JSON syntax, a schema error, a sweep error, a new straggler check.
    const sample = [
      'yaml-unclosed-flow-map.yaml',
      'json-trailing-comma.json',
      'unknown-gpu.yaml',
      'sweep-duplicate-labels.yaml',
      'straggler-overlapping-ranges.yaml',
    ].map((f) => `${DIR}/${f}`);
    for (const f of sample) expect(fixtures).toContain(f);
    const outs = sample.map((f) => join(tmp, `cli-${stem(f).slice(DIR.length + 1)}`));
    const results = await Promise.all(sample.map((f, i) => run(['run', f, '--out', outs[i]!])));
    results.forEach((r, i) => {
      const file = sample[i]!;
      expect(r.code, file).not.toBe(0);
      expect(r.code, file).not.toBeNull();
      expectNoStackTrace(r.stderr + r.stdout);
      expect(r.stdout, file).not.toContain('results written');
      expect(r.stdout, file).toBe('');
      for (const line of expectedLines(file)) expect(r.stderr, file).toContain(line);
      expect(existsSync(outs[i]!), file).toBe(false);
    });
    expect(listResults()).toEqual(resultsBefore);
  });
});
