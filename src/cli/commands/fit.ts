/**
 * `dtsim fit <profile | scenario>`: which parallel configurations of a model fit a cluster's GPU
 * memory, how fast each runs one step of the global batch, and which is fastest (docs/fit.md). The
 * search is src/scenario/fit.ts; the base scenario fit-base.ts; the output fit-format.ts. Exit code 0
 * when something fits, 2 when nothing does (with the closest configuration and what would help), 1
 * for bad input.
 */
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { PRESETS } from '../../collectives/presets.ts';
import { PRECISIONS } from '../../hardware/device-spec.ts';
import { fitBase, type FitTargetOptions } from './fit-base.ts';
import { fastestLine, fitCsv, fitTable, nothingFits, overTable } from './fit-format.ts';

/** Where the command writes (tests pass collectors). */
export interface FitIo {
  out(text: string): void;
  err(text: string): void;
}

/** Exit code when no configuration fits. */
export const NOTHING_FITS_EXIT = 2;

const defaultIo: FitIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

function count(v: string | undefined, name: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isInteger(x) || x < min) throw new Error(`${name} must be an integer >= ${min}, got ${v}`);
  return x;
}

/** Raw options as commander gives them. */
export interface FitCliOptions {
  readonly preset?: string;
  readonly nodes?: string;
  readonly gpusPerNode?: string;
  readonly gpu?: string;
  readonly precision?: string;
  readonly optimizer?: string;
  readonly globalBatch?: string;
  readonly top?: string;
  readonly simulate?: string;
  readonly all?: boolean;
  readonly csv?: string;
}

/** Runs a fit and prints it; returns the exit code (0 fits, {@link NOTHING_FITS_EXIT} nothing fits). */
export async function runFit(target: string, opts: FitCliOptions, io: FitIo = defaultIo): Promise<number> {
  const nodes = count(opts.nodes, '--nodes', 1);
  const gpusPerNode = count(opts.gpusPerNode, '--gpus-per-node', 1);
  const globalBatch = count(opts.globalBatch, '--global-batch', 1);
  const t: FitTargetOptions = {
    ...(opts.preset !== undefined ? { preset: opts.preset } : {}),
    ...(nodes !== undefined ? { nodes } : {}),
    ...(gpusPerNode !== undefined ? { gpusPerNode } : {}),
    ...(opts.gpu !== undefined ? { gpu: opts.gpu } : {}),
    ...(opts.precision !== undefined ? { precision: opts.precision } : {}),
    ...(opts.optimizer !== undefined ? { optimizer: opts.optimizer } : {}),
    ...(globalBatch !== undefined ? { globalBatch } : {}),
  };
  const top = count(opts.top ?? '10', '--top', 0)!;
  const simulate = count(opts.simulate ?? '8', '--simulate', 0)!;
  const base = await fitBase(target, t);
  const { fit } = await import('../../scenario/fit.ts');
  const res = fit(base.scenario, { globalBatch: base.globalBatch, simulate });
  const s = base.scenario;
  io.out(
    `# dtsim fit: ${res.profile} on ${base.source}: ${res.gpus} GPU${res.gpus === 1 ? '' : 's'}, global batch ${res.globalBatch}, ` +
      `${s.workload.precision}, optimizer ${s.training.optimizer.kind}\n`,
  );
  if (opts.csv !== undefined) writeFileSync(opts.csv, fitCsv(res));
  const tried = res.fits.length + res.over.length + res.skipped.length;
  const simulated = res.fits.filter((r) => r.timedBy === 'simulated').length;
  io.out(
    `# ${tried} configurations: ${res.fits.length} fit, ${res.over.length} do not, ${res.skipped.length} cannot be planned; ` +
      `${simulated} fitting timed by the simulator (1f1b or zero, one update), the rest estimated\n`,
  );
  if (res.fits.length === 0) {
    io.out(nothingFits(res));
    if (opts.all === true && res.over.length > 0) io.out(`\ndoes not fit:\n${overTable(res)}`);
    return NOTHING_FITS_EXIT;
  }
  io.out(fitTable(res, top));
  if (top > 0 && res.fits.length > top) io.out(`(${res.fits.length - top} more fit; --top 0 lists all)\n`);
  if (opts.all === true && res.over.length > 0) io.out(`\ndoes not fit:\n${overTable(res)}`);
  if (opts.all === true && res.skipped.length > 0) {
    // One line per distinct reason: a profile that cannot take something usually cannot take it anywhere.
    const reasons = new Map<string, string[]>();
    for (const x of res.skipped) reasons.set(x.reason, [...(reasons.get(x.reason) ?? []), x.label]);
    io.out('\ncannot be planned:\n');
    for (const [reason, labels] of reasons) io.out(`${labels.length} (e.g. ${labels[0]!}): ${reason}\n`);
  }
  io.out(fastestLine(res.fits[0]!));
  return 0;
}

/** The `fit` subcommand; sets `process.exitCode` to 2 when nothing fits. */
export function fitCommand(io: FitIo = defaultIo): Command {
  return new Command('fit')
    .description(
      'which ZeRO / pipeline / tensor-parallel / micro-batch / recompute configurations of a model fit GPU memory, and the fastest',
    )
    .argument('<target>', 'a timing profile name (dtsim list profiles) or a scenario file (.yaml, .yml, .json)')
    .addOption(
      new Option('--preset <name>', 'cluster preset for a profile name (default dgx-a100)').choices(
        Object.keys(PRESETS),
      ),
    )
    .option('--nodes <n>', "nodes (default: the preset's)")
    .option('--gpus-per-node <n>', "GPUs per node (default: the preset's)")
    .option('--gpu <name>', "GPU catalog name instead of the preset's (same links)")
    .addOption(
      new Option(
        '--precision <p>',
        'training precision (default: bf16 where the GPU has it, else fp16; a scenario: its own)',
      ).choices(PRECISIONS),
    )
    .option('--optimizer <kind>', 'optimizer, for its state (default adam; a scenario: its own)')
    .option(
      '--global-batch <n>',
      'samples per step over all GPUs (default 512; a scenario: its workers × batchSize / tensorParallel)',
    )
    .option('--top <n>', 'rows of the table of fitting configurations (0: all)', '10')
    .option(
      '--simulate <n>',
      'time this many of the fastest-estimated fitting 3-D configurations, and as many ZeRO ones, with the simulator',
      '8',
    )
    .option('--all', 'also list the configurations that do not fit, with by how much')
    .option('--csv <file>', 'write every configuration tried to a CSV file')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  dtsim fit llama2-70b --preset dgx-a100 --nodes 4 --global-batch 512\n' +
        '  dtsim fit scenarios/validation/megatron-gpt3-175b.yaml --top 5 --csv fit.csv\n' +
        '  dtsim fit llama2-70b --preset commodity-25gbe --nodes 1 --gpus-per-node 1 --all\n' +
        '\nConfigurations: tensor parallel t (powers of two within a node) × pipeline p (dividing the blocks) ×\n' +
        'data parallel d = GPUs / (t·p), micro-batch (powers of two), recompute none/selective/full, sequence\n' +
        'parallelism with t > 1, timed as the 1f1b schedule; and ZeRO stages 0–3 over all GPUs, with ZeRO-Offload\n' +
        'to the CPU at stages 1–3, timed as the zero schedule where it runs in one pass (else estimated).\n' +
        'Exit code: 0 when something fits, 2 when nothing does, 1 for bad input. See docs/fit.md.',
    )
    .action(async (target: string, opts: FitCliOptions) => {
      const code = await runFit(target, opts, io);
      if (code !== 0) process.exitCode = code;
    });
}
