/**
 * Enforces design.md §1's dependency rules by scanning every import in src/. A violation names the
 * file, the import and the rule it breaks.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';

const SRC = resolve(import.meta.dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

interface Import {
  file: string; // relative to src, with '/'
  spec: string;
  target: string | null; // src-relative path of a local import, null for a package
  typeOnly: boolean; // `import type ...`: erased at compile time, loads nothing
}

function importsOf(path: string): Import[] {
  const text = readFileSync(path, 'utf8');
  const file = relative(SRC, path).split(sep).join('/');
  const out: Import[] = [];
  const re =
    /(?:^|\n)\s*((?:import|export)\s[^'"]*?)from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) {
    const spec = (m[2] ?? m[3] ?? m[4])!;
    const typeOnly = m[1] !== undefined && /^(import|export)\s+type\s/.test(m[1]);
    const target = spec.startsWith('.')
      ? relative(SRC, resolve(dirname(path), spec))
          .split(sep)
          .join('/')
      : null;
    out.push({ file, spec, target, typeOnly });
  }
  return out;
}

const layer = (p: string): string => (p.includes('/') ? p.split('/')[0]! : p.replace(/\.ts$/, ''));

// Which layers each layer may import (design.md §1). `index` is the public API and may import all.
const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  hardware: ['core', 'hardware'],
  network: ['core', 'hardware', 'network'],
  collectives: ['core', 'hardware', 'network', 'collectives'],
  training: ['core', 'training'],
  workload: ['core', 'workload', 'training'],
  schedules: ['core', 'hardware', 'network', 'collectives', 'training', 'workload', 'schedules', 'results'],
  results: ['core', 'results'],
  scenario: ['core', 'hardware', 'network', 'collectives', 'training', 'workload', 'schedules', 'scenario', 'results'],
  cli: [
    'core',
    'hardware',
    'network',
    'collectives',
    'training',
    'workload',
    'schedules',
    'scenario',
    'results',
    'cli',
    'index',
  ],
};

// Gradient code cannot see simulated time: the math layers get units and random streams only.
const CORE_FOR_MATH = new Set(['core/units.ts', 'core/rng.ts', 'core/names.ts']);

// Node built-ins that a layer may use; packages are checked separately.
const NODE_OK_IN = new Set(['cli', 'results', 'scenario', 'training', 'workload', 'index']);

export function violations(all: Import[]): string[] {
  const bad: string[] = [];
  for (const imp of all) {
    const from = layer(imp.file);
    if (from === 'index') continue;
    if (imp.target !== null) {
      const to = layer(imp.target);
      const ok = ALLOWED[from];
      if (ok !== undefined && !ok.includes(to))
        bad.push(`${imp.file} imports ${imp.spec}: ${from}/ may not import ${to}/`);
      if ((from === 'training' || from === 'workload') && to === 'core' && !CORE_FOR_MATH.has(imp.target)) {
        bad.push(`${imp.file} imports ${imp.spec}: ${from}/ may use only core/units and core/rng, never the kernel`);
      }
      if (
        from === 'schedules' &&
        to === 'schedules' &&
        imp.target !== 'schedules/index.ts' &&
        !imp.file.endsWith('index.ts')
      ) {
        const targetBase = imp.target.split('/').pop()!;
        // A schedule may use shared schedule helpers but never another schedule's file.
        if (
          !/^(context|helpers|common|registry|types|options)/.test(targetBase) &&
          !imp.target.startsWith('schedules/lib/')
        ) {
          bad.push(`${imp.file} imports ${imp.spec}: a schedule never imports another schedule`);
        }
      }
      continue;
    }
    const isNode = imp.spec.startsWith('node:');
    if (from === 'core') bad.push(`${imp.file} imports ${imp.spec}: core/ imports no npm package or Node module`);
    if (isNode && !NODE_OK_IN.has(from) && from !== 'core') {
      bad.push(`${imp.file} imports ${imp.spec}: only cli, results, scenario, training and workload touch Node APIs`);
    }
    // Type-only imports load nothing, so they may name tfjs types; values come through the backend.
    if (imp.spec.startsWith('@tensorflow/') && !imp.typeOnly && imp.file !== 'training/tensor-backend.ts') {
      bad.push(`${imp.file} imports ${imp.spec}: only training/tensor-backend.ts loads @tensorflow/*`);
    }
  }
  return bad;
}

describe('dependency rules (design.md §1)', () => {
  const all = files(SRC).flatMap(importsOf);

  it('finds the imports it checks', () => {
    expect(all.length).toBeGreaterThan(5);
  });

  it('has no import that breaks a layer rule', () => {
    expect(violations(all)).toEqual([]);
  });

  it('keeps wall clocks and unseeded randomness out of src/ except cli/', () => {
    const bad: string[] = [];
    for (const f of files(SRC)) {
      const rel = relative(SRC, f).split(sep).join('/');
      if (rel.startsWith('cli/') || rel === 'results/manifest.ts') continue;
      const text = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const pat of [/Math\.random/, /Date\.now\(/, /performance\.now\(/, /new Date\(/]) {
        if (pat.test(text)) bad.push(`${rel}: ${pat.source}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('catches violations when they exist (the checker itself can fail)', () => {
    const fake: Import[] = [
      { file: 'core/x.ts', spec: 'mathjs', target: null, typeOnly: false },
      { file: 'core/y.ts', spec: '../hardware/gpu.ts', target: 'hardware/gpu.ts', typeOnly: false },
      { file: 'training/z.ts', spec: '../core/simulator.ts', target: 'core/simulator.ts', typeOnly: false },
      { file: 'training/model.ts', spec: '@tensorflow/tfjs', target: null, typeOnly: false },
      {
        file: 'schedules/async-ps.ts',
        spec: './sync-allreduce.ts',
        target: 'schedules/sync-allreduce.ts',
        typeOnly: false,
      },
      { file: 'schedules/async-ps.ts', spec: 'node:fs', target: null, typeOnly: false },
      { file: 'schedules/local-sgd.ts', spec: '../cli/main.ts', target: 'cli/main.ts', typeOnly: false },
      { file: 'training/ok.ts', spec: '@tensorflow/tfjs', target: null, typeOnly: true },
    ];
    expect(violations(fake)).toHaveLength(7);
  });
});
