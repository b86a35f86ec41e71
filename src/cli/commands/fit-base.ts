/**
 * The base scenario `dtsim fit` searches around: a scenario file as it is (its cluster, timing profile,
 * precision, optimizer and batch), or one built from a profile name and a cluster preset
 * (collectives/presets.ts) with `--nodes`, `--gpus-per-node` and `--gpu` overrides. Either way it is
 * loaded by the scenario loader in timing-only mode, with `cluster.allowOversubscribe` set (the fit
 * checks memory per configuration itself) and one update as the stop (the file's schedule is replaced).
 */
import { existsSync } from 'node:fs';
import { getPreset } from '../../collectives/presets.ts';
import { peakFlops } from '../../hardware/device-spec.ts';
import { gpuSpec } from '../../hardware/gpu-catalog.ts';
import type { Scenario } from '../../scenario/types.ts';
import { getProfile } from '../../workload/registry.ts';

/** What the user asked for. */
export interface FitTargetOptions {
  readonly preset?: string;
  readonly nodes?: number;
  readonly gpusPerNode?: number;
  readonly gpu?: string;
  readonly precision?: string;
  readonly optimizer?: string;
  readonly globalBatch?: number;
}

/** The base scenario and the global batch to fit. */
export interface FitBase {
  readonly scenario: Scenario;
  readonly globalBatch: number;
  /** `preset dgx-a100 (4 × 8 A100-80GB)` or `scenario x.yaml`. */
  readonly source: string;
}

/** Whether `target` names a scenario file rather than a profile. */
export function isScenarioFile(target: string): boolean {
  return /\.(ya?ml|json)$/i.test(target) || (existsSync(target) && !/^[\w.-]+$/.test(target));
}

/** bf16 where the GPU has it, else fp16 (T4, V100). */
function defaultPrecision(gpu: string): string {
  try {
    peakFlops(gpuSpec(gpu), 'bf16');
    return 'bf16';
  } catch (err) {
    if (err instanceof RangeError) return 'fp16';
    throw err;
  }
}

/** Loads the base (see the file header). @throws ScenarioError or Error with what is wrong. */
export async function fitBase(target: string, o: FitTargetOptions): Promise<FitBase> {
  const { loadScenario, parseScenario } = await import('../../scenario/load.ts');
  if (isScenarioFile(target)) {
    for (const [flag, v] of [
      ['--preset', o.preset],
      ['--nodes', o.nodes],
      ['--gpus-per-node', o.gpusPerNode],
      ['--gpu', o.gpu],
    ] as const)
      if (v !== undefined) throw new Error(`${flag} applies to a profile name; ${target} brings its own cluster`);
    // The fit replaces the schedule and runs one update: the file's stop conditions do not apply.
    const overrides = ['cluster.allowOversubscribe=true', 'training.stop={updates: 1}'];
    if (o.precision !== undefined) overrides.push(`workload.precision=${o.precision}`);
    if (o.optimizer !== undefined) overrides.push(`training.optimizer={kind: ${o.optimizer}}`);
    const loaded = loadScenario(target, { overrides, timingOnly: true });
    const s = loaded.runs[0]!;
    const workers = s.cluster.nodes.reduce((n, g) => n + g.count * g.gpusPerNode, 0);
    const t = s.training.schedule.options['tensorParallel'];
    const perGroup = typeof t === 'number' ? workers / t : workers;
    const note = loaded.runs.length > 1 ? `, first of ${loaded.runs.length} runs` : '';
    return {
      scenario: s,
      globalBatch: o.globalBatch ?? perGroup * s.workload.batchSize,
      source: `scenario ${target}${note}`,
    };
  }
  getProfile(target);
  const { OPTIMIZERS } = await import('../../training/optimizers/registry.ts');
  if (o.optimizer !== undefined && !Object.hasOwn(OPTIMIZERS, o.optimizer))
    throw new Error(`--optimizer must be one of ${Object.keys(OPTIMIZERS).join(', ')}, got ${o.optimizer}`);
  const preset = getPreset(o.preset ?? 'dgx-a100');
  const gpu = o.gpu ?? preset.gpu;
  gpuSpec(gpu);
  const nodes = o.nodes ?? preset.nodes;
  const gpus = o.gpusPerNode ?? preset.node.gpus;
  const nic = { ...preset.node.nic, count: Math.min(preset.node.nic.count ?? 1, gpus) };
  const text = [
    `name: fit-${target}`,
    'mode: timing-only',
    'cluster:',
    `  nodes: [{ count: ${nodes}, gpusPerNode: ${gpus}, gpu: ${JSON.stringify(gpu)} }]`,
    `  network: { topology: { kind: ${preset.topology} } }`,
    '  allowOversubscribe: true',
    'workload:',
    '  batchSize: 1',
    `  timing: { kind: profile, name: ${JSON.stringify(target)} }`,
    `  precision: ${o.precision ?? defaultPrecision(gpu)}`,
    'training:',
    `  optimizer: { kind: ${o.optimizer ?? 'adam'} }`,
    '  stop: { updates: 1 }',
    'output: { trace: false, updates: false, plots: false }',
    '',
  ].join('\n');
  const s = parseScenario(text, `--preset ${preset.name}`).runs[0]!;
  // The preset's links exactly as the preset has them (SI numbers; the text above gave only the shape).
  const scenario: Scenario = {
    ...s,
    cluster: {
      ...s.cluster,
      nodes: [{ count: nodes, gpusPerNode: gpus, gpu, intraNode: preset.node.intraNode, nic }],
    },
  };
  return {
    scenario,
    globalBatch: o.globalBatch ?? 512,
    source: `preset ${preset.name} (${nodes} × ${gpus} ${gpu})`,
  };
}
