/**
 * Hostile and careless edits of the shipped scenarios: keys dropped, values of another type, extreme
 * numbers and unit strings, anchors and aliases (shared, dangling, self-containing, exponential), tags,
 * and the same through `--set`. Whatever the edit, validation either accepts the scenario or throws a
 * ScenarioError (anything else fails the property), and no mutant takes more than 2 s to validate: a
 * hang detector with a generous bound (mutants take milliseconds; the bound is far above noise).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Alias, isMap, isScalar, isSeq, parseDocument, stringify } from 'yaml';
import type { Document, YAMLSeq } from 'yaml';
import { ScenarioError } from '../../src/scenario/errors.ts';
import { parseScenario } from '../../src/scenario/load.ts';

const DIR = resolve(import.meta.dirname, '../../scenarios');
const SCENARIOS = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => ({ file: join(DIR, f), text: readFileSync(join(DIR, f), 'utf8') }));

/** A hang detector, not a benchmark: a mutant validates in milliseconds. */
const HANG_MS = 2000;

const EXTREME_NUMBERS = [
  1e308,
  -1e308,
  -1,
  0,
  -0,
  0.5,
  1e-320,
  2 ** 53,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  1e9,
  65_536,
  65_537,
  1_048_577,
  1e15,
];
const ODD_STRINGS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '0x10',
  '',
  ' ',
  '25 GB/s',
  '-3 s',
  '1e400 B',
  '5 us',
  '0 B',
  '0 s',
  '1e308 GB/s',
  '100 Gbit',
  '312 TFLOPS',
  '4 GFLOP',
  '80 GiB',
  '1e-400 s',
  'workers * 1e300',
  '1/0',
  'workers / 0',
  'import("fs")',
  'A100-80GB',
  'sync-allreduce',
  'mnist',
  'leaf-spine',
  'µs',
  '5 µs',
  '1 day',
  '3 h',
];
const VALUE: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...EXTREME_NUMBERS),
  fc.constantFrom(...ODD_STRINGS),
  fc.integer({ min: -10, max: 100_000 }),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 12 }),
  fc.array(fc.oneof(fc.integer({ min: -2, max: 70_000 }), fc.constantFrom(...ODD_STRINGS)), { maxLength: 6 }),
  fc.dictionary(
    fc.constantFrom('kind', 'count', 'gpu', 'factor', 'x', 'workers', 'sigma', 'file'),
    fc.oneof(fc.integer({ min: -1, max: 10 }), fc.constantFrom(...ODD_STRINGS)),
    { maxKeys: 3 },
  ),
);
const TAGS = [
  '!foo',
  '!!python/object:os.system',
  '!!python/object/apply:os.system',
  '!!binary',
  '!!set',
  '!!omap',
  '!!timestamp',
  '!!str',
  '!!int',
  '!!float',
  '!!map',
  '!!seq',
  '!!null',
  '!<tag:yaml.org,2002:str>',
  '!',
];

type Mutation =
  | { readonly kind: 'drop'; readonly at: number }
  | { readonly kind: 'set'; readonly at: number; readonly value: unknown }
  | { readonly kind: 'tag'; readonly at: number; readonly tag: string }
  | { readonly kind: 'alias'; readonly from: number; readonly to: number }
  | { readonly kind: 'dangling'; readonly at: number }
  | { readonly kind: 'bomb'; readonly at: number; readonly levels: number; readonly width: number };

const MUTATION: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  { arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: VALUE }), weight: 3 },
  fc.record({ kind: fc.constant('tag' as const), at: fc.nat(), tag: fc.constantFrom(...TAGS) }),
  fc.record({ kind: fc.constant('alias' as const), from: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('dangling' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('bomb' as const),
    at: fc.nat(),
    levels: fc.integer({ min: 1, max: 12 }),
    width: fc.integer({ min: 2, max: 12 }),
  }),
);

/** `--set` values as a user might type them, hostile ones included. */
const SET_VALUE: fc.Arbitrary<string> = fc.oneof(
  VALUE.map((v) => stringify(v, { collectionStyle: 'flow' }).trim()),
  fc.constantFrom(
    '*nope',
    '!foo 3',
    '!!python/object:os.system [ls]',
    '&a [*a]',
    '[&a [x, x], *a, *a]',
    '{',
    '1e400',
    '!!binary aGk=',
    '? [a]\n: 1',
  ),
);

/** Paths of every value in the document's data, in document order. */
function paths(doc: Document): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (node: unknown, path: (string | number)[]): void => {
    out.push(path);
    if (isMap(node))
      for (const p of node.items) walk(p.value, [...path, isScalar(p.key) ? String(p.key.value) : String(p.key)]);
    else if (isSeq(node)) node.items.forEach((x, i) => walk(x, [...path, i]));
  };
  walk(doc.contents, []);
  return out;
}

const pick = <T>(xs: readonly T[], n: number): T => xs[n % xs.length]!;

/** Applies the mutations to the scenario's YAML document and writes it back out. */
function mutate(text: string, mutations: readonly Mutation[]): string {
  const doc = parseDocument(text);
  let anchors = 0;
  for (const m of mutations) {
    const all = paths(doc);
    const inner = all.filter((p) => p.length > 0);
    if (inner.length === 0) break;
    switch (m.kind) {
      case 'drop':
        doc.deleteIn(pick(inner, m.at));
        break;
      case 'set':
        doc.setIn(pick(inner, m.at), doc.createNode(m.value));
        break;
      case 'tag': {
        const node: unknown = doc.getIn(pick(inner, m.at), true);
        if (isScalar(node) || isMap(node) || isSeq(node)) node.tag = m.tag;
        break;
      }
      case 'alias': {
        const from = pick(inner, m.from);
        const node: unknown = doc.getIn(from, true);
        if (!(isScalar(node) || isMap(node) || isSeq(node))) break;
        const name = `m${anchors++}`;
        node.anchor = name;
        // Anywhere, including inside the anchored node itself or before it.
        doc.setIn(pick(inner, m.to), new Alias(name));
        break;
      }
      case 'dangling':
        doc.setIn(pick(inner, m.at), new Alias('nope'));
        break;
      case 'bomb': {
        // width^levels values behind one alias, anchored at the top of the file.
        const root = doc.contents;
        if (!isMap(root)) break;
        const first = doc.createNode(Array.from({ length: m.width }, () => 'lol'));
        first.anchor = `b${anchors}_0`;
        const pairs: unknown[] = [doc.createPair(`b${anchors}_0`, first)];
        for (let l = 1; l < m.levels; l++) {
          const seq = doc.createNode([]) as YAMLSeq<unknown>;
          for (let k = 0; k < m.width; k++) seq.items.push(new Alias(`b${anchors}_${l - 1}`));
          seq.anchor = `b${anchors}_${l}`;
          pairs.push(doc.createPair(`b${anchors}_${l}`, seq));
        }
        (root.items as unknown[]).unshift(...pairs);
        doc.setIn(pick(inner, m.at), new Alias(`b${anchors}_${m.levels - 1}`));
        anchors++;
        break;
      }
    }
  }
  return doc.toString({ verifyAliasOrder: false, lineWidth: 0 });
}

describe('mutated scenarios', () => {
  it('only ever throw ScenarioError, and none takes more than 2 s to validate', () => {
    let slowestMs = 0;
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...SCENARIOS),
        fc.array(MUTATION, { minLength: 1, maxLength: 4 }),
        fc.option(fc.tuple(fc.nat(), SET_VALUE), { nil: undefined }),
        ({ file, text }, mutations, set) => {
          let mutant: string;
          try {
            mutant = mutate(text, mutations);
          } catch {
            // The yaml writer refused this combination (e.g. an alias as a mapping key); nothing to test.
            return;
          }
          const overrides: string[] = [];
          if (set !== undefined) {
            const doc = parseDocument(text);
            const p = pick(
              paths(doc).filter((x) => x.length > 0),
              set[0],
            );
            overrides.push(`${p.map(String).join('.')}=${set[1]}`);
          }
          const t0 = performance.now();
          try {
            parseScenario(mutant, file, { overrides });
            accepted++;
          } catch (err) {
            if (!(err instanceof ScenarioError)) throw err;
            // Every problem names the file, and either a position or the --set it came from.
            for (const i of err.issues)
              expect(i.line !== undefined || i.origin !== undefined || i.path === '').toBe(true);
            rejected++;
          }
          const ms = performance.now() - t0;
          slowestMs = Math.max(slowestMs, ms);
          expect(ms, `validation took ${ms.toFixed(0)} ms:\n${mutant.slice(0, 2000)}`).toBeLessThan(HANG_MS);
        },
      ),
      { seed: 42, numRuns: 2500 },
    );
    // Both outcomes occur, so the property is not vacuous.
    expect(accepted).toBeGreaterThan(10);
    expect(rejected).toBeGreaterThan(100);
    expect(slowestMs).toBeLessThan(HANG_MS);
  }, 120_000);
});
