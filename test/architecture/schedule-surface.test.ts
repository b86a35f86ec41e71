/**
 * A schedule file books time and progress only through the kit (schedules/lib): the Crew records
 * compute, communication and rows, and commits progress. A schedule that wrote the counters, the
 * recorder or the global model itself would bring back the drift that once booked compute ahead of
 * the clock (utilization 2.91). This scans every schedule file for the low-level writes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = new URL('../../src/schedules/', import.meta.url).pathname;
const NOT_SCHEDULES = new Set(['index.ts', 'types.ts', 'context.ts', 'options.ts']);

/** Low-level writes a schedule must leave to the kit, with what to use instead. */
const FORBIDDEN: readonly (readonly [RegExp, string])[] = [
  [/\bstats\.(compute|comm|updates)\b/, 'per-worker accounting: Crew.computeAll/compute/comm and Crew.commit'],
  [/\brecorder\.(update|span)\b/, 'rows and spans: Crew.row, Crew.commSpan, Crew.computeAll'],
  [/\bprogress\.(commit|current\s*=)/, 'the global model and counters: Crew.commit'],
  [/\bbytesSentPerRank\b/, 'traffic: Crew.send / Crew.allReduce'],
  [/\bsim\.now\b/, 'the clock: Crew.nowS'],
  [/\bnetwork\.transfer\b/, 'point-to-point traffic: Crew.send (counted and recorded)'],
];

/** Problems in one schedule's source. */
function problems(file: string, text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (/^\s*(\*|\/\/)/.test(line)) return;
    for (const [re, instead] of FORBIDDEN)
      if (re.test(line)) out.push(`${file}:${i + 1}: ${line.trim()} (use ${instead})`);
  });
  return out;
}

describe('the schedule-facing surface', () => {
  it('no schedule writes counters, rows, the model or traffic itself', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts') && !NOT_SCHEDULES.has(f));
    expect(files.length).toBeGreaterThanOrEqual(3);
    const found = files.flatMap((f) => problems(f, readFileSync(join(DIR, f), 'utf8')));
    expect(found).toEqual([]);
  });

  it('would catch the old local-sgd (the check can fail)', () => {
    const old = 'stats.compute(i, c);\nrecorder.update({ timeS: clock[i]! });\nconst t0 = sim.now as number;';
    expect(problems('local-sgd.ts', old)).toHaveLength(3);
  });
});
