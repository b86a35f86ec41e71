/**
 * The host side of ZeRO-Offload and ZeRO-Infinity as closed-form times: each GPU's copies over its
 * own `hostLink` (α + bytes/β), each node's NVMe drives as one device of `nvme.bandwidth` shared by the
 * node's GPUs (their partitions are read or written one after another: node bytes / bandwidth), and
 * the node's CPU optimizer step over all of its GPUs' partitions at the host memory bandwidth.
 * GPUs of one node are not modelled as contending for a shared PCIe switch or root port (each has its
 * own link); nodes run in parallel, so every phase lasts as long as its slowest node.
 */
import { DEFAULT_HOST_LINK } from '../../hardware/cluster.ts';
import type { LinkSpec } from '../../hardware/link-spec.ts';
import type { ScheduleContext } from '../context.ts';

/** Per-member and per-node host paths of one crew. */
/**
 * The host memory bandwidth a CPU optimizer step streams at when the `zero` schedule's
 * `hostMemoryBandwidth` option is not given: 100 GB/s, an estimate (zero.ts says why).
 */
export const DEFAULT_HOST_MEMORY_BANDWIDTH = 100e9;

export class HostPaths {
  /** Per member: its host link. */
  private readonly links: readonly LinkSpec[];
  /** Nodes with members, and how many members each has. */
  private readonly nodeCount = new Map<number, number>();
  private readonly ctx: ScheduleContext;

  constructor(ctx: ScheduleContext, ranks: readonly number[]) {
    this.ctx = ctx;
    this.links = ranks.map((r) => ctx.nodes[ctx.devices[r]!.node]!.hostLink ?? DEFAULT_HOST_LINK);
    for (const r of ranks) {
      const node = ctx.devices[r]!.node;
      this.nodeCount.set(node, (this.nodeCount.get(node) ?? 0) + 1);
    }
  }

  /** Nodes (indices) without an `nvme` spec, for ZeRO-Infinity's check. */
  nodesWithoutNvme(): number[] {
    return [...this.nodeCount.keys()].filter((n) => this.ctx.nodes[n]!.nvme === undefined);
  }

  /** Seconds member `i` takes to copy `bytes` between its GPU and host memory (one way). */
  copyS(i: number, bytes: number): number {
    const l = this.links[i]!;
    return (l.latency as number) + bytes / (l.bandwidth as number);
  }

  /** The slowest member's copy of `bytes` (each member copies its own `bytes` at once). */
  maxCopyS(bytes: number): number {
    let m = 0;
    for (let i = 0; i < this.links.length; i++) m = Math.max(m, this.copyS(i, bytes));
    return m;
  }

  /**
   * Seconds until every node has moved `bytesPerGpu` for each of its GPUs through its NVMe drives (read
   * or write): the slowest node's latency + count × bytesPerGpu / bandwidth.
   * @throws Error when a node has no `nvme` spec (the schedule checks this before running).
   */
  nvmeS(bytesPerGpu: number): number {
    let m = 0;
    for (const [node, count] of this.nodeCount) {
      const d = this.ctx.nodes[node]!.nvme;
      if (d === undefined) throw new Error(`node ${node} has no nvme drives (cluster.nodes[].nvme)`);
      m = Math.max(m, (d.latency as number) + (count * bytesPerGpu) / (d.bandwidth as number));
    }
    return m;
  }

  /** Seconds of the slowest node's CPU optimizer step over its GPUs' partitions of `paramsPerGpu`. */
  cpuStepS(paramsPerGpu: number, bytesPerParam: number, hostBandwidth: number): number {
    let most = 0;
    for (const count of this.nodeCount.values()) most = Math.max(most, count);
    return (most * paramsPerGpu * bytesPerParam) / hostBandwidth;
  }

  /** Members of the busiest node (host memory per node is a multiple of the per-GPU share). */
  maxGpusPerNode(): number {
    let most = 0;
    for (const count of this.nodeCount.values()) most = Math.max(most, count);
    return most;
  }
}
