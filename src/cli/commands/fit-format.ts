/**
 * What `dtsim fit` prints and writes: the table of configurations that fit (fastest first), the
 * `fastest:` line, the table of those that do not (`--all`), the message when nothing fits, and the
 * CSV of every configuration tried.
 */
import { csvNumber, csvText, joinCsvLines } from '../../results/csv-cells.ts';
import { textTable, type TextColumn } from '../../results/text-table.ts';
import type { FitResult, FitRow } from '../../scenario/fit.ts';

// GiB, as the GPU catalog's capacities are (an "80GB" A100 holds 80 GiB) and the memory ledger reports.
const GIB = 2 ** 30;
const gb = (b: number): string => (b / GIB).toFixed(1);
const num = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(3));

/** The rate column: tokens/s for language models, samples/s otherwise. */
function rate(r: FitRow): string {
  return num(r.tokensPerS ?? r.samplesPerS);
}

/** The table of fitting rows, at most `top` of them (0: all). */
export function fitTable(res: FitResult, top: number): string {
  const lm = res.fits.some((r) => r.tokensPerS !== undefined);
  const columns: TextColumn[] = [
    { title: '#', align: 'right' },
    { title: 'config', align: 'left' },
    { title: 'memory/GPU (GiB)', align: 'right' },
    { title: 'step (s)', align: 'right' },
    { title: 'timed', align: 'left' },
    { title: lm ? 'tokens/s' : 'samples/s', align: 'right' },
    { title: 'MFU', align: 'right' },
  ];
  const rows = (top > 0 ? res.fits.slice(0, top) : res.fits).map((r, i) => [
    String(i + 1),
    r.label,
    `${gb(r.memoryBytes)} / ${gb(r.capacityBytes)}`,
    num(r.stepS),
    r.timedBy,
    rate(r),
    r.mfu === undefined ? '-' : `${(100 * r.mfu).toFixed(1)}%`,
  ]);
  const t = textTable(columns, rows);
  return [t.header, t.rule, ...t.rows, ''].join('\n');
}

/** The table of rows that do not fit, smallest shortfall first. */
export function overTable(res: FitResult): string {
  const columns: TextColumn[] = [
    { title: 'config', align: 'left' },
    { title: 'memory/GPU (GiB)', align: 'right' },
    { title: 'over by (GiB)', align: 'right' },
  ];
  const rows = res.over.map((r) => [r.label, `${gb(r.memoryBytes)} / ${gb(r.capacityBytes)}`, gb(r.shortfallBytes)]);
  const t = textTable(columns, rows);
  return [t.header, t.rule, ...t.rows, ''].join('\n');
}

/** `fastest: tp8 pp4 … : 12.3 s per step, 170000 tokens/s, MFU 45.0% (simulated)`. */
export function fastestLine(r: FitRow): string {
  const what = r.tokensPerS !== undefined ? 'tokens/s' : 'samples/s';
  const mfu = r.mfu === undefined ? '' : `, MFU ${(100 * r.mfu).toFixed(1)}%`;
  return `fastest: ${r.label}: ${num(r.stepS)} s per step, ${rate(r)} ${what}${mfu} (${r.timedBy})\n`;
}

/** The message when nothing fits: the closest configuration, its shortfall, and what would help. */
export function nothingFits(res: FitResult): string {
  const tried = res.over.length + res.skipped.length;
  if (res.over.length === 0)
    return (
      `nothing fits: no configuration of ${res.profile} can be planned for a global batch of ${res.globalBatch} on ${res.gpus} × ${res.gpu} ` +
      `(${tried} tried; the batch must split into whole per-GPU batches: try a global batch that is a multiple of the GPUs)\n`
    );
  const h = res.hint!;
  const least = res.over[0]!;
  const more =
    h.zero3Gpus === undefined
      ? 'no number of these GPUs holds even one micro-batch of activations'
      : `ZeRO-3 needs at least ${h.zero3Gpus} of these GPUs (micro-batch 1, full recompute)`;
  return (
    `nothing fits: none of ${tried} configurations of ${res.profile} fits ${res.gpus} × ${res.gpu} ` +
    `(${gb(least.capacityBytes)} GiB each) at a global batch of ${res.globalBatch}.\n` +
    `closest: ${h.leastLabel} needs ${gb(h.leastBytes)} GiB per GPU, ${gb(least.shortfallBytes)} GiB over.\n` +
    `would help: GPUs with at least ${gb(h.leastBytes)} GiB, or more GPUs: ${more}.\n`
  );
}

/** The CSV of every row, fitting and not (units in the headers). */
export function fitCsv(res: FitResult): string {
  const head = [
    'config',
    'kind',
    'tensor_parallel',
    'pipeline_parallel',
    'data_parallel',
    'zero_stage',
    'micro_batch',
    'micro_batches',
    'recompute',
    'sequence_parallel',
    'fits',
    'memory_bytes',
    'capacity_bytes',
    'shortfall_bytes',
    'estimate_s',
    'step_s',
    'timed_by',
    'samples_per_s',
    'tokens_per_s',
    'mfu',
  ].join(',');
  const line = (r: FitRow, fits: boolean): string => {
    const c = r.candidate;
    return [
      csvText(r.label),
      c.kind,
      c.kind === '3d' ? c.tp : 1,
      c.kind === '3d' ? c.pp : 1,
      c.dp,
      c.kind === 'zero' ? c.stage : '',
      c.microBatch,
      c.microBatches,
      c.recompute,
      c.kind === '3d' ? c.sequenceParallel : false,
      fits,
      csvNumber(r.memoryBytes),
      csvNumber(r.capacityBytes),
      csvNumber(r.shortfallBytes),
      Number.isNaN(r.estimateS) ? '' : csvNumber(r.estimateS),
      fits ? csvNumber(r.stepS) : '',
      fits ? r.timedBy : '',
      fits ? csvNumber(r.samplesPerS) : '',
      fits ? csvNumber(r.tokensPerS) : '',
      fits ? csvNumber(r.mfu) : '',
    ].join(',');
  };
  return joinCsvLines([head, ...res.fits.map((r) => line(r, true)), ...res.over.map((r) => line(r, false))]);
}
