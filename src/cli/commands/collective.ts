/**
 * `dtsim collective`: nccl-tests' all_reduce_perf (and all_gather_perf, reduce_scatter_perf,
 * broadcast_perf, alltoall_perf) on a simulated cluster. Takes nccl-tests' flags with their meanings,
 * sweeps message sizes from -b to -e, runs one collective per size in a fresh simulator, and prints
 * nccl-tests' output layout byte for byte (nccl-tests-format.ts), so that scripts written for real
 * logs read dtsim's unchanged.
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
import { parseQuantity } from '../../scenario/quantity.ts';
import { DEFAULT_LAUNCH_S } from '../../collectives/communicator.ts';
import type { CommunicatorOptions } from '../../collectives/communicator.ts';
import { parseProtocol } from '../../collectives/protocols.ts';
import type { Protocol } from '../../collectives/protocols.ts';
import {
  NCCL_REDOPS,
  NCCL_TYPES,
  collectiveFromName,
  hasReduction,
  hasRoot,
  requestedSizes,
  sweepPoint,
} from './nccl-tests-conventions.ts';
import { columnHeader, deviceLine, footer, formatRow, headerLine } from './nccl-tests-format.ts';

/** Where the command writes its table (stdout by default; tests pass a collector) and its notes. */
export interface CollectiveIo {
  write(text: string): void;
  /** One-line notes for stderr (deprecations); default process.stderr. */
  warn?(text: string): void;
}

/**
 * The communicator's protocol and launch overhead: the flags, else the cluster file's network block,
 * else auto and the calibrated default.
 * @throws Error for an unknown protocol or a bad duration.
 */
function communicatorFlags(opts: Record<string, string | undefined>, choice: ClusterChoice): CommunicatorOptions {
  const name = opts.protocol ?? choice.protocol ?? 'auto';
  if (name !== 'none') parseProtocol(name);
  const launchS = opts.launchOverhead !== undefined ? launchFlag(opts.launchOverhead) : choice.launchS;
  return {
    ...(launchS === undefined ? {} : { launchS }),
    ...(name === 'none' ? {} : { protocol: name as Protocol | 'auto' }),
  };
}

/** --launch-overhead as seconds. @throws Error naming the flag for an unreadable duration. */
function launchFlag(text: string): number {
  try {
    return parseQuantity(text, 'duration');
  } catch (e) {
    throw new Error(`--launch-overhead: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** "ring/ll from 8 B, ring/simple from 64 MB": where the pick changes along the sizes, in size order. */
function switchPoints(chosen: readonly { bytes: number; pick: string }[]): string {
  const sorted = [...chosen].sort((a, b) => a.bytes - b.bytes);
  const parts: string[] = [];
  let last = '';
  for (const c of sorted) {
    if (c.pick === last) continue;
    parts.push(`${c.pick} from ${c.bytes} B`);
    last = c.pick;
  }
  return parts.length === 0 ? 'nothing (every size is empty)' : parts.join(', ');
}

interface ClusterChoice {
  readonly label: string;
  readonly nodes: NodeLinks[];
  /** The GPU model of each node, for the `# Using devices` lines. */
  readonly gpuNames: string[];
  readonly topology: string;
  readonly topologyOptions: Record<string, unknown>;
  readonly network?: string;
  /** The file's network options (the fixed model's times). */
  readonly networkOptions?: NetworkOptions;
  /** The file's collective protocol and launch overhead, when it sets them. */
  readonly protocol?: string;
  readonly launchS?: number;
}

/**
 * The cluster of a `--cluster` file: its `cluster:` block, read by the scenario layer with every rule a
 * scenario is read with (loaded lazily, so `dtsim --help` does not pay for it).
 * @throws ScenarioError naming the file, line:col and path of every problem.
 */
async function readClusterFile(file: string): Promise<ClusterChoice> {
  const { loadClusterFile } = await import('../../scenario/cluster-file.ts');
  const cluster = loadClusterFile(file);
  const built = buildCluster(cluster.nodes, 'cluster.nodes').nodes;
  const { kind, options } = cluster.network.topology;
  return {
    label: file,
    nodes: [...built],
    gpuNames: built.map((n) => n.gpuName),
    topology: kind,
    topologyOptions: { ...options },
    network: cluster.network.model,
    ...(cluster.network.options === undefined ? {} : { networkOptions: cluster.network.options }),
    protocol: cluster.network.protocol ?? 'auto',
    ...(cluster.network.launchOverheadS === undefined ? {} : { launchS: cluster.network.launchOverheadS }),
  };
}

function presetChoice(name: string): ClusterChoice {
  const p = getPreset(name);
  return {
    label: `preset ${p.name} (${p.nodes} × ${p.node.gpus} ${p.gpu})`,
    nodes: presetNodes(p),
    gpuNames: Array.from({ length: p.nodes }, () => p.gpu),
    topology: p.topology,
    topologyOptions: {},
  };
}

/** A whole number ≥ `min` from a flag, or a one-line error naming the flag. */
function intFlag(text: string | undefined, flag: string, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) throw new Error(`${flag} must be an integer >= ${min}, got "${text}"`);
  return v;
}

/** The collective chosen by --collective, or by a legacy `--op <collective>` (with a note on stderr). */
function chooseCollective(opts: Record<string, string | undefined>, warn: (t: string) => void): CollectiveOp {
  let op: CollectiveOp | undefined;
  if (opts.collective !== undefined) {
    op = collectiveFromName(opts.collective);
    if (op === undefined)
      throw new Error(
        `--collective: unknown collective "${opts.collective}"; known: ${COLLECTIVE_OPS.join(', ')} (or all_reduce_perf style names)`,
      );
  }
  const legacy = opts.op === undefined ? undefined : collectiveFromName(opts.op);
  if (legacy !== undefined) {
    if (op !== undefined && op !== legacy)
      throw new Error(`--op ${opts.op} contradicts --collective ${opts.collective}; -o/--op is the reduction now`);
    warn(
      `dtsim collective: --op ${opts.op} is deprecated; use --collective ${legacy} (-o/--op is nccl-tests' reduction)\n`,
    );
    op = legacy;
  }
  return op ?? 'all-reduce';
}

/** One printed row (out-of-place and in-place take the same simulated time) and the CSV's fields. */
interface Row {
  readonly size: number;
  readonly count: number;
  readonly type: string;
  readonly redop: string;
  readonly root: number;
  readonly timeUs: number;
  readonly algbw: number;
  readonly busbw: number;
}

/** Builds the `collective` subcommand; `io` receives the table (default: process.stdout). */
export function collectiveCommand(io: CollectiveIo = { write: (t) => process.stdout.write(t) }): Command {
  const warn = io.warn ?? ((t: string) => process.stderr.write(t));
  return new Command('collective')
    .description("nccl-tests' all_reduce_perf & co on a simulated cluster, in nccl-tests' output format")
    .option(
      '--collective <name>',
      `collective: ${COLLECTIVE_OPS.join(', ')} (also all_reduce, all_reduce_perf, alltoall …; default all-reduce)`,
    )
    .option(
      '--algo <name>',
      `algorithm: auto (NCCL's tuner: the fastest algorithm and protocol per size), ${Object.keys(COLLECTIVES).join(', ')} (default: auto)`,
    )
    .option(
      '--protocol <name>',
      "NCCL protocol: auto, simple, ll, ll128, or none (the plain α-β model) (default: the file's, else auto)",
    )
    .option('--launch-overhead <time>', 'host-side cost of one call, e.g. "40 us" (default: the calibrated 39.43 µs)')
    .addOption(new Option('--preset <name>', 'named cluster').choices(Object.keys(PRESETS)))
    .option('--cluster <file>', 'YAML or JSON file with a cluster: block (overrides --preset)')
    .addOption(
      new Option('--network <model>', "network model (default: the file's, else analytical)").choices([
        'analytical',
        'flow',
      ]),
    )
    .option('-g, --ngpus <n>', 'use the first n GPUs (default: all)')
    .option('--gpus <n>', 'alias of -g/--ngpus')
    .option('-b, --minbytes <size>', 'smallest size (bytes; K/M/G suffixes are powers of 1024)', '8')
    .option('-e, --maxbytes <size>', 'largest size', '128M')
    .option('-f, --stepfactor <n>', 'multiply the size by this each step (> 1; 1 means step by -i)')
    .option('-i, --stepbytes <size>', 'add this many bytes each step when the factor is 1', '1M')
    .option('-d, --datatype <type>', `element type: ${Object.keys(NCCL_TYPES).join(', ')}, or all`, 'float')
    .option('-o, --op <redop>', `reduction: ${NCCL_REDOPS.join(', ')}, or all`, 'sum')
    .option('-r, --root <rank>', 'broadcast root (group index; -1: every root in turn)', '0')
    .option('-n, --iters <n>', 'iterations (no effect: a simulated collective is deterministic)')
    .option('-w, --warmup_iters <n>', 'warm-up iterations (no effect in simulation)')
    .option('-c, --check <n>', 'check results (no effect: no values are moved; 0 prints #wrong as N/A)')
    .option('--chunks <n>', 'pipeline chunks for double-binary-tree and ring broadcast', '8')
    .option('--shards <n>', 'parameter-server shards', '1')
    .addOption(
      new Option('--servers <where>', "parameter-server shards on the group's first ranks or on k ranks of their own")
        .choices(['colocated', 'dedicated'])
        .default('colocated'),
    )
    .option('--csv <file>', 'also write the table as CSV')
    .action(async (opts: Record<string, string | undefined>) => {
      const op = chooseCollective(opts, warn);
      const redopFlag = collectiveFromName(opts.op ?? 'sum') === undefined ? (opts.op ?? 'sum') : 'sum';
      // An unknown algorithm name is getCollective's to reject, so registry additions pass through.
      const algoName = opts.algo ?? 'auto';
      const algo = algoName === 'auto' ? undefined : getCollective(op, algoName);
      const choice =
        opts.cluster !== undefined ? await readClusterFile(opts.cluster) : presetChoice(opts.preset ?? 'dgx-a100');
      const network = opts.network ?? choice.network ?? 'analytical';
      const total = choice.nodes.reduce((s, n) => s + n.gpus, 0);

      const shards = intFlag(opts.shards, '--shards', 1, 1);
      const dedicated = opts.servers === 'dedicated';
      if (dedicated && algo?.name !== 'parameter-server')
        throw new Error(`--servers dedicated applies to --algo parameter-server, not ${algoName}`);
      const costs = communicatorFlags(opts, choice);
      const gpusText = opts.ngpus ?? opts.gpus;
      const gpus = intFlag(gpusText, '-g/--ngpus', dedicated ? total - shards : total, 1);
      if (gpus > total) throw new Error(`-g/--ngpus must be at most ${total} (the cluster's GPUs), got ${gpus}`);
      if (dedicated && gpus + shards > total)
        throw new Error(
          `--servers dedicated needs ${gpus} GPUs + ${shards} server ranks, but the cluster has ${total} GPUs`,
        );
      const servers = dedicated ? Array.from({ length: shards }, (_, s) => gpus + s) : undefined;

      const minB = parseSize(opts.minbytes ?? '8', '-b/--minbytes');
      const maxB = parseSize(opts.maxbytes ?? '128M', '-e/--maxbytes');
      const stepBytes = parseSize(opts.stepbytes ?? '1M', '-i/--stepbytes');
      // nccl-tests steps by -i when the factor is 1 (its default); dtsim's default factor is 2 unless -i is given alone.
      const factorText = opts.stepfactor ?? (opts.stepbytes !== undefined ? '1' : '2');
      const factor = Number(factorText);
      if (!(factor >= 1) || !Number.isFinite(factor))
        throw new Error(`-f/--stepfactor must be a number >= 1, got ${factorText}`);
      if (factor === 1 && stepBytes < 1) throw new Error('-i/--stepbytes must be at least 1 byte when -f is 1');
      if (minB > maxB) throw new Error(`-b/--minbytes (${minB}) exceeds -e/--maxbytes (${maxB})`);

      const dtype = opts.datatype ?? 'float';
      if (dtype !== 'all' && !Object.hasOwn(NCCL_TYPES, dtype))
        throw new Error(`-d/--datatype: unknown type "${dtype}"; known: ${Object.keys(NCCL_TYPES).join(', ')}, all`);
      if (redopFlag !== 'all' && !NCCL_REDOPS.includes(redopFlag))
        throw new Error(`-o/--op: unknown reduction "${redopFlag}"; known: ${NCCL_REDOPS.join(', ')}, all`);
      const root = Number(opts.root ?? '0');
      if (!Number.isInteger(root) || root < -1 || root >= gpus)
        throw new Error(`-r/--root must be -1 or a rank in 0..${gpus - 1}, got ${opts.root}`);
      const iters = intFlag(opts.iters, '-n/--iters', 20, 1);
      const warmup = intFlag(opts.warmup_iters, '-w/--warmup_iters', 5, 0);
      const check = intFlag(opts.check, '-c/--check', 1, 0);
      const chunks = intFlag(opts.chunks, '--chunks', 8, 1);

      const group = Array.from({ length: gpus }, (_, i) => i);
      const busFactor = busBandwidthFactor(op, gpus);
      // A simulated collective is deterministic: one run per (bytes, root) serves every type and reduction.
      const timeCache = new Map<string, number>();
      // What auto (or the protocol) chose at each size, for the header: "ring/simple from 64 MB".
      const chosen: { bytes: number; pick: string }[] = [];
      const simulate = (bytes: number, r: number): number => {
        // NCCL returns at once on a count of 0, so an empty collective takes no time.
        if (bytes === 0) return 0;
        const key = `${bytes}:${r}`;
        const hit = timeCache.get(key);
        if (hit !== undefined) return hit;
        const sim = new Simulator();
        const topology = buildTopology(choice.topology, choice.nodes, choice.topologyOptions);
        const comm = new Communicator(
          sim,
          createNetworkModel(network, sim, topology, network === choice.network ? choice.networkOptions : {}),
          costs,
        );
        const out = sim.run(
          comm.run(op, group, bytes, {
            algorithm: algoName,
            chunks,
            shards,
            ...(servers === undefined ? {} : { servers }),
            ...(hasRoot(op) ? { root: r } : {}),
          }),
        ) as CollectiveOutcome<unknown>;
        timeCache.set(key, out.timeS);
        chosen.push({ bytes, pick: out.protocol === undefined ? out.algorithm : `${out.algorithm}/${out.protocol}` });
        return out.timeS;
      };

      // nccl-tests' loops: types outer, reductions inner (AllReduceRunTest), roots for broadcast.
      const types = dtype === 'all' ? Object.keys(NCCL_TYPES) : [dtype];
      const redops = !hasReduction(op) ? ['none'] : redopFlag === 'all' ? [...NCCL_REDOPS] : [redopFlag];
      const roots = !hasRoot(op) ? [-1] : root === -1 ? group : [root];
      const sizes = requestedSizes(minB, maxB, factor, stepBytes);
      const rows: Row[] = [];
      for (const type of types)
        for (const redop of redops)
          for (const r of roots)
            for (const requested of sizes) {
              const p = sweepPoint(op, requested, NCCL_TYPES[type]!, gpus);
              const timeS = simulate(p.bytes, Math.max(r, 0));
              const algbw = timeS > 0 ? p.size / timeS / 1e9 : 0;
              rows.push({ ...p, type, redop, root: r, timeUs: timeS * 1e6, algbw, busbw: algbw * busFactor });
            }

      let text = headerLine({
        nThread: 1,
        nGpus: gpus,
        minBytes: minB,
        maxBytes: maxB,
        stepFactor: factor,
        stepBytes,
        warmupIters: warmup,
        iters,
        aggIters: 1,
        validation: check,
        graph: 0,
      });
      text +=
        `# dtsim collective: ${op}, algorithm ${algoName}, protocol ${costs.protocol ?? 'none'}, launch overhead ${((costs.launchS ?? DEFAULT_LAUNCH_S) * 1e6).toFixed(2)} us, ${gpus} GPUs of ${choice.label}, ${choice.topology} topology, ${network} model\n` +
        `# dtsim: chose ${switchPoints(chosen)}\n` +
        `# dtsim: simulated run; Pid, host, device, bus id and GPU names below are simulated, and out-of-place and in-place take the same simulated time\n`;
      if (opts.iters !== undefined || opts.warmup_iters !== undefined || opts.check !== undefined)
        text += `# dtsim: -n, -w and -c have no effect: a simulated collective is deterministic (every iteration takes the same time, warm-up changes nothing) and moves no values (#wrong is 0)\n`;
      if (servers !== undefined)
        text += `# dtsim: parameter-server shards on dedicated ranks ${servers.join(', ')} (not in the group below)\n`;
      text += '#\n# Using devices\n';
      let rank = 0;
      choice.nodes.forEach((node, n) => {
        for (let d = 0; d < node.gpus && rank < gpus; d++, rank++)
          text += deviceLine({
            rank,
            group: 0,
            pid: 1000 + n,
            host: `node${n}`,
            device: d,
            busId: d,
            name: choice.gpuNames[n]!,
          });
      });
      text += '#\n' + columnHeader();
      for (const r of rows) {
        const block = { timeUs: r.timeUs, algbw: r.algbw, busbw: r.busbw, wrong: check > 0 ? 0 : null };
        text += formatRow({ ...r, outOfPlace: block, inPlace: block });
      }
      // nccl-tests averages busbw over every timed block, out-of-place and in-place alike.
      const avg = rows.reduce((s, r) => s + r.busbw, 0) / Math.max(rows.length, 1);
      text += footer(0, avg);
      io.write(text);
      if (opts.csv !== undefined) {
        const csv = [
          'size_bytes,count,type,time_us,algbw_gb_per_s,busbw_gb_per_s,redop,root',
          ...rows.map((r) => `${r.size},${r.count},${r.type},${r.timeUs},${r.algbw},${r.busbw},${r.redop},${r.root}`),
        ];
        writeFileSync(opts.csv, csv.join('\n') + '\n');
      }
    });
}
