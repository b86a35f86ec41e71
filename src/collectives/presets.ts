/**
 * Named clusters for `dtsim collective --preset`. Each names its GPU (a catalog name) and its
 * NodeLinks. NICs are given as the hardware has them: `nic.count` HCAs of `nic.bandwidth` each, GPU g
 * using HCA ⌊g · count / gpus⌋ (one per GPU on DGX A100 and HGX H100, one per GPU pair on DGX-1).
 * Intra-node links are each GPU's link to its node switch (NVSwitch or PCIe root). The switch and
 * rail topologies split a LinkSpec's latency over its up and down links, so an intra-node route's α
 * is intraNode.latency and an inter-node route's is intraNode.latency + nic.latency. Figures are
 * nominal unless marked calibrated.
 */
import { GBIT_PER_S, GB_PER_S, bytesPerSecond, seconds } from '../core/units.ts';
import type { NodeLinks } from '../hardware/link-spec.ts';
import { DGX_A100_NCCL_FIT } from './calibration.ts';

/** A named cluster: node count, per-node links, GPU name and topology kind. */
export interface CollectivePreset {
  readonly name: string;
  readonly description: string;
  /** GPU catalog name (src/hardware/gpu-catalog.ts). */
  readonly gpu: string;
  readonly nodes: number;
  readonly node: NodeLinks;
  /** Topology registry name: all NICs on one switch, or a rail-optimised fabric (NIC k on rail k). */
  readonly topology: 'switch' | 'rail';
  /** Where the numbers come from. */
  readonly source: string;
}

const link = (gbS: number, latencyS: number, kind: NonNullable<NodeLinks['nic']['kind']>) =>
  ({ bandwidth: bytesPerSecond(gbS), latency: seconds(latencyS), kind }) as const;

/** `count` NICs of `gbS` bytes per second each. */
const nics = (count: number, gbS: number, latencyS: number, kind: NonNullable<NodeLinks['nic']['kind']>) =>
  ({ ...link(gbS, latencyS, kind), count }) as const;

const HGX_H100_NODE: NodeLinks = {
  gpus: 8,
  // NVLink4 through NVSwitch, 450 GB/s per direction per GPU; ASTRA-sim's validated HGX-H100 config
  // puts 936.25 ns on a GPU→GPU hop.
  intraNode: link(450 * GB_PER_S, 936.25e-9, 'nvlink'),
  // 8 × 400 Gbit/s NDR ConnectX-7, one per GPU (GPU g on HCA g).
  nic: nics(8, 400 * GBIT_PER_S, 2.5e-6, 'infiniband'),
};

/** Every preset, by name. */
export const PRESETS: Readonly<Record<string, CollectivePreset>> = Object.freeze({
  'dgx-a100': {
    name: 'dgx-a100',
    description: 'one DGX A100: 8 × A100 on NVSwitch (calibrated on NCCL all-reduce), 8 × 200 Gbit/s HDR',
    gpu: 'A100-80GB',
    nodes: 1,
    node: {
      gpus: 8,
      // Calibrated: the NCCL-like model (protocols and launch overhead) fitted on measured 8-GPU NCCL
      // all-reduce times (calibration.ts DGX_A100_NCCL_FIT; docs/validation.md "Collective calibration").
      // Nominal is 300 GB/s per direction; the hop latency is ASTRA-sim's NVSwitch figure.
      intraNode: link(DGX_A100_NCCL_FIT.bandwidthBytesPerS, DGX_A100_NCCL_FIT.hopLatencyS, 'nvlink'),
      // 8 × 200 Gbit/s HDR ConnectX-6 for the compute fabric, one per GPU.
      nic: nics(8, 200 * GBIT_PER_S, 2.5e-6, 'infiniband'),
    },
    topology: 'switch',
    source:
      'NVIDIA DGX A100 user guide (NVLink3 600 GB/s bidirectional per GPU; 8 single-port ConnectX-6 HDR 200 Gbit/s for the compute fabric); fit on vTrain AR_GPU8 LUT',
  },
  'hgx-h100': {
    name: 'hgx-h100',
    description: 'one HGX H100: 8 × H100 SXM on NVLink4/NVSwitch 450 GB/s, 8 × 400 Gbit/s NDR',
    gpu: 'H100-SXM',
    nodes: 1,
    node: HGX_H100_NODE,
    topology: 'switch',
    source:
      'NVIDIA H100 datasheet (NVLink 900 GB/s bidirectional); NVIDIA DGX H100 user guide (8 × ConnectX-7 400 Gbit/s NDR for the compute fabric); ASTRA-sim HGX-H100-validated.yml latency',
  },
  '2x-h100-ib': {
    name: '2x-h100-ib',
    // Kept as it was (one NIC a node, all 8 GPUs sharing it) so that results quoted with it stay
    // comparable; it is not how an HGX H100 is cabled, which 2x-h100-rail describes.
    description: 'two HGX H100 nodes, one 400 Gbit/s InfiniBand NIC each (not the real 8), on one switch',
    gpu: 'H100-SXM',
    nodes: 2,
    node: { ...HGX_H100_NODE, nic: link(400 * GBIT_PER_S, 2.5e-6, 'infiniband') },
    topology: 'switch',
    source: 'nominal: NVLink4 450 GB/s per direction, NDR 400 Gbit/s; latencies are typical, not measured',
  },
  '2x-h100-rail': {
    name: '2x-h100-rail',
    description: 'two HGX H100 nodes, 8 × 400 Gbit/s NDR each, NIC k of both nodes on rail switch k',
    gpu: 'H100-SXM',
    nodes: 2,
    node: HGX_H100_NODE,
    topology: 'rail',
    source:
      'nominal: NVIDIA DGX H100 user guide (8 × ConnectX-7 NDR 400 Gbit/s, one per GPU); rail-optimised compute fabric as in the NVIDIA DGX SuperPOD reference architecture; latencies are typical, not measured',
  },
  'dgx1-v100': {
    name: 'dgx1-v100',
    description: 'one DGX-1 V100: 8 × V100 with NVLink2 (6 × 25 GB/s per GPU), 4 × 100 Gbit/s EDR',
    gpu: 'V100-32GB',
    nodes: 1,
    node: {
      gpus: 8,
      // The hybrid cube-mesh is modelled as a switch of each GPU's 6 × 25 GB/s: optimistic for rings
      // that cannot use all six links.
      intraNode: link(150 * GB_PER_S, 1e-6, 'nvlink'),
      // 4 × 100 Gbit/s EDR, one per PCIe switch, each shared by the GPU pair on that switch.
      nic: nics(4, 100 * GBIT_PER_S, 2.5e-6, 'infiniband'),
    },
    topology: 'switch',
    source: 'NVIDIA DGX-1 with Tesla V100 system architecture white paper (nominal)',
  },
  'commodity-25gbe': {
    name: 'commodity-25gbe',
    description: '4 nodes × 4 PCIe GPUs (T4), 25 Gbit/s Ethernet',
    gpu: 'T4',
    nodes: 4,
    node: {
      gpus: 4,
      // PCIe Gen3 x16: 15.75 GB/s nominal per direction, about 12 GB/s achieved.
      intraNode: link(12 * GB_PER_S, 1e-6, 'pcie'),
      nic: link(25 * GBIT_PER_S, 10e-6, 'ethernet'),
    },
    topology: 'switch',
    source: 'nominal PCIe Gen3 x16 and 25 GbE; TCP-like latency',
  },
});

/**
 * The preset registered as `name`.
 * @throws Error for an unknown name, listing the known ones.
 */
export function getPreset(name: string): CollectivePreset {
  if (!Object.hasOwn(PRESETS, name))
    throw new Error(`unknown preset '${name}'; known: ${Object.keys(PRESETS).join(', ')}`);
  return PRESETS[name]!;
}

/** The preset's nodes as the topology builders take them. */
export function presetNodes(preset: CollectivePreset): NodeLinks[] {
  return Array.from({ length: preset.nodes }, () => preset.node);
}
