/** Comparing two results folders file by file, for the sweep tests (--jobs, --shard, merge, resume). */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';

/** Every file below `dir`, by relative path. */
export function filesOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

// The manifest records when, how long and by which command; everything else must agree.
const strip = (t: string): unknown =>
  JSON.parse(t, (k, v: unknown) => (['started_at', 'finished_at', 'wall_s', 'command'].includes(k) ? null : v));

/** Expects folders `a` and `b` to hold the same files, byte for byte but for manifest.json's variable fields. */
export function expectSameFolder(a: string, b: string): void {
  const fa = filesOf(a);
  const fb = filesOf(b);
  expect([...fb.keys()].sort()).toEqual([...fa.keys()].sort());
  for (const [name, text] of fa) {
    if (name === 'manifest.json') expect(strip(fb.get(name)!)).toEqual(strip(text));
    else expect(fb.get(name), name).toBe(text);
  }
}
