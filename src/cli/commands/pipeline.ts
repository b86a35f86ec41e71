/**
 * `dtsim pipeline`: a pipeline schedule's timeline with fixed op times, no cluster and no gradients. Prints
 * the rank × time grid as the papers draw it, the makespan, the bubble fraction and the peak activations
 * held per stage, so a schedule can be checked against spec §26's closed forms by eye.
 */
import { Argument, Command } from 'commander';
import { oneFOneB, PIPE_PROGRAMS } from '../../schedules/lib/pipeline/programs.ts';
import { timeline } from '../../schedules/lib/pipeline/timeline.ts';
import { pipelineGrid } from './pipeline-grid.ts';

/** Where the command writes (stdout by default; tests pass a collector). */
export interface PipelineIo {
  write(text: string): void;
}

function integer(v: string | undefined, name: string): number {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 1) throw new Error(`${name} must be an integer >= 1, got ${v}`);
  return x;
}

function time(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!(Number.isFinite(x) && x >= 0)) throw new Error(`${name} must be a number >= 0, got ${v}`);
  return x;
}

const fmt = (x: number): string => String(Number(x.toPrecision(10)));

/**
 * The asynchronous pipelines: no flush, an endless 1F1B stream per stage (schedules/lib/pipeline/
 * streams.ts). Their first M micro-batches run in 1F1B's order, which is what the grid shows; what
 * differs is when weights step, said here in words with the staleness it gives (spec §24.1).
 */
const ASYNC_STREAMS: Readonly<Record<string, string>> = {
  pipedream:
    'each stage steps after every backward, on the version its forward stashed: τ = p − 1 − s at stage s, which keeps p − s weight versions',
  'pipedream-2bw':
    'each stage steps once per M micro-batches; a micro-batch keeps the version of its forward: τ ≤ 1, two weight versions',
  pipemare:
    'each stage steps once per M micro-batches, no stash: the backward reads newer weights than its forward (δ = τ ≠ 0 on early stages), one version',
  'pipelined-backprop':
    'each stage steps after every backward, no stash: δ = τ = p − 1 − s, one version (plus momentum)',
};

/** Builds the `pipeline` subcommand; `io` receives the output (default: process.stdout). */
export function pipelineCommand(io: PipelineIo = { write: (t) => process.stdout.write(t) }): Command {
  return new Command('pipeline')
    .description('draw a pipeline schedule (rank × time grid) with its bubble fraction and peak activations')
    .addArgument(
      new Argument('<schedule>', 'pipeline schedule').choices([
        ...Object.keys(PIPE_PROGRAMS),
        ...Object.keys(ASYNC_STREAMS),
      ]),
    )
    .requiredOption('-s, --stages <n>', 'pipeline stages (ranks)')
    .requiredOption('-m, --micro-batches <n>', 'micro-batches per batch')
    .option('-v, --chunks <n>', 'model chunks per rank (interleaved-1f1b)', '1')
    .option('--tf <t>', 'forward time per op (per chunk when interleaved)', '1')
    .option('--tb <t>', 'full backward time per op', '2')
    .option('--ti <t>', 'input-gradient backward time (zb-h1; default tb/2)')
    .option('--tw <t>', 'weight-gradient backward time (zb-h1; default tb/2)')
    .option('--comm <t>', 'delay of each hop between ranks', '0')
    .addHelpText(
      'after',
      '\nColumns are time slots of the shortest op; a cell is F3, B3, I3 or W3 (micro-batch 3; F3.1 for chunk 1)\n' +
        'or . when the stage idles. Example: dtsim pipeline 1f1b --stages 4 --micro-batches 8',
    )
    .action((schedule: string, opts: Record<string, string | undefined>) => {
      const stages = integer(opts.stages, '--stages');
      const microBatches = integer(opts.microBatches, '--micro-batches');
      const chunks = integer(opts.chunks, '--chunks');
      const tF = time(opts.tf, '--tf')!;
      const tB = time(opts.tb, '--tb')!;
      const tI = time(opts.ti, '--ti');
      const tW = time(opts.tw, '--tw');
      const tComm = time(opts.comm, '--comm')!;
      const stream = ASYNC_STREAMS[schedule];
      if (stream !== undefined && chunks !== 1)
        throw new Error(`${schedule} runs one chunk per rank, got --chunks ${chunks}`);
      const t = timeline(PIPE_PROGRAMS[schedule] ?? oneFOneB, {
        stages,
        microBatches,
        chunks,
        tF,
        tB,
        tComm,
        ...(tI === undefined ? {} : { tI }),
        ...(tW === undefined ? {} : { tW }),
      });
      const backward = schedule === 'zb-h1' ? `t_I=${fmt(tI ?? tB / 2)} t_W=${fmt(tW ?? tB / 2)}` : `t_B=${fmt(tB)}`;
      io.write(
        `# dtsim pipeline: ${schedule}, ${stages} stages, ${microBatches} micro-batches, ${chunks} chunk${chunks === 1 ? '' : 's'} per rank; ` +
          `t_F=${fmt(tF)} ${backward}${tComm === 0 ? '' : ` comm=${fmt(tComm)}`}\n`,
      );
      if (stream !== undefined)
        io.write(
          `# asynchronous, no flush: the stream's first ${microBatches} micro-batches (1F1B's order); ${stream}; ` +
            "in steady state no stage idles, so the bubble below is only this window's fill and drain\n",
        );
      io.write(pipelineGrid(t));
      io.write(`makespan: ${fmt(t.makespan)}\n`);
      io.write(`bubble fraction: ${t.bubble.toFixed(4)}\n`);
      io.write(
        `peak activations per stage${chunks === 1 ? '' : ' (chunk-micro-batches)'}: ${t.peakActivations.join(' ')}\n`,
      );
    });
}
