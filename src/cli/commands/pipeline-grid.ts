/**
 * Draws a pipeline {@link Timeline} as the papers do: one row per stage, one column per time slot, each
 * cell the op that runs there (`F3`, `B3`, `I3`, `W3`; `F3.1` for chunk 1 when chunks interleave) or `.`
 * when the stage idles.
 */
import type { Timeline, TimedOp } from '../../schedules/lib/pipeline/timeline.ts';

const label = (t: TimedOp, chunks: number): string => `${t.op.op}${t.op.mb}${chunks === 1 ? '' : `.${t.op.chunk}`}`;

/**
 * The rank × time grid of `t`, with `slot` time units per column (default: the shortest op, so every op
 * spans at least one column). A column shows the op running at its midpoint.
 */
export function pipelineGrid(t: Timeline, slot?: number): string {
  const width = slot ?? Math.min(...t.ops.map((o) => o.end - o.start).filter((d) => d > 0), 1);
  const columns = Math.ceil(t.makespan / width - 1e-9);
  const cell = Math.max(2, ...t.ops.map((o) => label(o, t.chunks).length));
  const head = `stage ${t.stages - 1}`.length;
  return t.byRank
    .map((ops, r) => {
      const cells: string[] = [];
      let i = 0;
      for (let c = 0; c < columns; c++) {
        const mid = (c + 0.5) * width;
        while (i < ops.length && ops[i]!.end <= mid) i++;
        const o = ops[i];
        cells.push((o !== undefined && o.start <= mid ? label(o, t.chunks) : '.').padEnd(cell));
      }
      return `${`stage ${r}`.padEnd(head)} | ${cells.join(' ').trimEnd()}\n`;
    })
    .join('');
}
