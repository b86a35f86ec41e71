/**
 * `dtsim collective`: nccl-tests' all_reduce_perf (and friends) on a simulated cluster. Sweeps message
 * sizes from -b to -e by factor -f, runs one collective per size in a fresh simulator, and prints
 * size, count, type, time, algbw and busbw with nccl-tests' conventions (algbw = size / time,
 * busbw = algbw × busBandwidthFactor), so the table can be held against real all_reduce_perf output.
 */
import { Command, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { Simulator } from '../../core/simulator.ts';
import { buildCluster } from '../../hardware/cluster.ts';
import type { NodeLinks } from '../../hardware/link-spec.ts';
import { buildTopology } from '../../network/index.ts';
import { createNetworkModel } from '../../network/network-models.ts';
import type { NetworkOptions } from '../../network/network-models.ts';
import { Communicator } from '../../collectives/communicator.ts';
import type { CollectiveOutcome } from '../../collectives/communicator.ts';
import { busBandwidthFactor } from '../../collectives/bus-bandwidth.ts';
import { COLLECTIVES, getCollective } from '../../collectives/registry.ts';
import { PRESETS, getPreset, presetNodes } from '../../collectives/presets.ts';
import { COLLECTIVE_OPS } from '../../collectives/types.ts';
import type { CollectiveOp } from '../../collectives/types.ts';
import { parseSize } from './quantities.ts';

/** Where the command writes its table (stdout by default; tests pass a collector). */
export interface CollectiveIo {
  write(text: string): void;
}

interface ClusterChoice {
  readonly label: string;
  readonly nodes: NodeLinks[];
  readonly topology: string;
  readonly topologyOptions: Record<string, unknown>;
  readonly network?: string;
  /** The file's network options (the fixed model's times). */
  readonly networkOptions?: NetworkOptions;
}

/**
 * The cluster of a `--cluster` file: its `cluster:` block, read by the scenario layer with every rule a
 * scenario is read with (loaded lazily, so `dtsim --help` does not pay for it).
 * @throws ScenarioError naming the file, line:col and path of every problem.
 */
async function readClusterFile(file: string): Promise<ClusterChoice> {
  const { loadClusterFile } = await import('../../scenario/cluster-file.ts');
  const cluster = loadClusterFile(file);
  const nodes: NodeLinks[] = [...buildCluster(cluster.nodes, 'cluster.nodes').nodes];
  const { kind, options } = cluster.network.topology;
  return {
    label: file,
    nodes,
    topology: kind,
    topologyOptions: { ...options },
    network: cluster.network.model,
    ...(cluster.network.options === undefined ? {} : { networkOptions: cluster.network.options }),
  };
}

function fmt(x: number, width: number, digits: number): string {
  return x.toFixed(digits).padStart(width);
}

/** Builds the `collective` subcommand; `io` receives the table (default: process.stdout). */
export function collectiveCommand(io: CollectiveIo = { write: (t) => process.stdout.write(t) }): Command {
  return new Command('collective')
    .description("simulate nccl-tests' all_reduce_perf & co on a simulated cluster: size, time, algbw, busbw")
    .addOption(new Option('--op <op>', 'collective operation').choices(COLLECTIVE_OPS).default('all-reduce'))
    .addOption(
      new Option('--algo <name>', 'algorithm (default: ring; direct for all-to-all)').choices(Object.keys(COLLECTIVES)),
    )
    .addOption(new Option('--preset <name>', 'named cluster').choices(Object.keys(PRESETS)))
    .option('--cluster <file>', 'YAML or JSON file with a cluster: block (overrides --preset)')
    .addOption(
      new Option('--network <model>', "network model (default: the file's, else analytical)").choices([
        'analytical',
        'flow',
      ]),
    )
    .option('-g, --gpus <n>', 'use the first n GPUs (default: all)')
    .option('-b, --minbytes <size>', 'smallest size (bytes; K/M/G suffixes are powers of 1024)', '8')
    .option('-e, --maxbytes <size>', 'largest size', '128M')
    .option('-f, --stepfactor <n>', 'multiply the size by this each step', '2')
    .option('--chunks <n>', 'pipeline chunks for double-binary-tree and ring broadcast', '8')
    .option('--shards <n>', 'parameter-server shards', '1')
    .option('--csv <file>', 'also write the table as CSV')
    .action(async (opts: Record<string, string | undefined>) => {
      const op = (opts.op ?? 'all-reduce') as CollectiveOp;
      const algo = getCollective(op, opts.algo);
      const choice: ClusterChoice =
        opts.cluster !== undefined
          ? await readClusterFile(opts.cluster)
          : (() => {
              const p = getPreset(opts.preset ?? 'dgx-a100');
              return {
                label: `preset ${p.name} (${p.nodes} × ${p.node.gpus} ${p.gpu})`,
                nodes: presetNodes(p),
                topology: p.topology,
                topologyOptions: {},
              };
            })();
      const network = opts.network ?? choice.network ?? 'analytical';
      const total = choice.nodes.reduce((s, n) => s + n.gpus, 0);
      const gpus = opts.gpus === undefined ? total : Number(opts.gpus);
      if (!Number.isInteger(gpus) || gpus < 1 || gpus > total)
        throw new Error(`--gpus must be an integer in 1..${total}, got ${opts.gpus}`);
      const minB = parseSize(opts.minbytes ?? '8', '--minbytes');
      const maxB = parseSize(opts.maxbytes ?? '128M', '--maxbytes');
      const factor = Number(opts.stepfactor);
      if (!(factor > 1)) throw new Error(`--stepfactor must be a number > 1, got ${opts.stepfactor}`);
      if (minB > maxB) throw new Error(`--minbytes (${minB}) exceeds --maxbytes (${maxB})`);
      const group = Array.from({ length: gpus }, (_, i) => i);
      const busFactor = busBandwidthFactor(op, gpus);
      const rows: { size: number; count: number; timeUs: number; algbw: number; busbw: number }[] = [];
      for (let size = minB; size <= maxB; size = Math.floor(size * factor)) {
        // nccl-tests rounds the size down to whole fp32 elements (and to a multiple of the rank count
        // for reduce-scatter, all-gather and all-to-all, where each rank gets count/n elements).
        const per = op === 'all-reduce' || op === 'broadcast' ? 1 : gpus;
        const count = Math.floor(size / 4 / per) * per;
        const bytes = count * 4;
        const sim = new Simulator();
        const topology = buildTopology(choice.topology, choice.nodes, choice.topologyOptions);
        const comm = new Communicator(
          sim,
          createNetworkModel(network, sim, topology, network === choice.network ? choice.networkOptions : {}),
        );
        const out = sim.run(
          comm.run(op, group, bytes, {
            algorithm: algo.name,
            chunks: Number(opts.chunks),
            shards: Number(opts.shards),
          }),
        ) as CollectiveOutcome<unknown>;
        const algbw = out.timeS > 0 ? bytes / out.timeS / 1e9 : 0;
        rows.push({ size: bytes, count, timeUs: out.timeS * 1e6, algbw, busbw: algbw * busFactor });
        if (size === Math.floor(size * factor)) break;
      }
      io.write(
        `# dtsim collective: ${op}, algorithm ${algo.name}, ${gpus} GPUs of ${choice.label}, ${choice.topology} topology, ${network} model\n` +
          `#${'size'.padStart(12)}${'count'.padStart(13)}${'type'.padStart(8)}${'time'.padStart(11)}${'algbw'.padStart(9)}${'busbw'.padStart(9)}\n` +
          `#${'(B)'.padStart(12)}${'(elements)'.padStart(13)}${''.padStart(8)}${'(us)'.padStart(11)}${'(GB/s)'.padStart(9)}${'(GB/s)'.padStart(9)}\n`,
      );
      for (const r of rows) {
        io.write(
          ` ${String(r.size).padStart(12)}${String(r.count).padStart(13)}${'float'.padStart(8)}${fmt(r.timeUs, 11, 2)}${fmt(r.algbw, 9, 2)}${fmt(r.busbw, 9, 2)}\n`,
        );
      }
      const avg = rows.reduce((s, r) => s + r.busbw, 0) / Math.max(rows.length, 1);
      io.write(`# Avg bus bandwidth    : ${avg.toFixed(4)}\n`);
      if (opts.csv !== undefined) {
        const csv = [
          'size_bytes,count,type,time_us,algbw_gb_per_s,busbw_gb_per_s',
          ...rows.map((r) => `${r.size},${r.count},float,${r.timeUs},${r.algbw},${r.busbw}`),
        ];
        writeFileSync(opts.csv, csv.join('\n') + '\n');
      }
    });
}
