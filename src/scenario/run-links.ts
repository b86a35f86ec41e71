/**
 * A run's links.csv data from its network model: the flow model's binned bytes per link
 * (network/link-usage.ts) with each link's name and capacity, and the note a run gets when it asked
 * for links.csv on a model that has no link state over time.
 */
import { FlowNetwork } from '../network/flow-model.ts';
import type { NetworkModel } from '../network/types.ts';
import { AUTO_LINKS_MAX_WORKERS, grouped, recordsLinks } from '../results/output-defaults.ts';
import type { RunLinks } from '../results/link-rows.ts';
import type { Scenario } from './types.ts';

/** The binned bytes per link the run's network recorded, or undefined when it recorded none. */
export function runLinks(network: NetworkModel): RunLinks | undefined {
  if (!(network instanceof FlowNetwork)) return undefined;
  const t = network.linkUsage();
  if (t === undefined) return undefined;
  const links = network.topology.links;
  return {
    binMantissa: t.binMantissa,
    binExponent: t.binExponent,
    bins: t.bins,
    endS: t.endS,
    links: t.links.map((l) => ({
      link: l.link,
      name: links[l.link]!.name,
      bandwidth: links[l.link]!.bandwidth as number,
      bytes: l.bytes,
    })),
  };
}

/**
 * Notes on links.csv for runs that do not record it although the scenario mentions `output.links`,
 * or that `auto` left out at scale on the flow model. Runs on the default settings of other network
 * models get none, so their results are unchanged.
 */
export function linksNotes(s: Scenario, workers: number): string[] {
  const setting = s.output.links;
  const model = s.cluster.network.model;
  if (setting === true && model !== 'flow')
    return [`no links.csv: link utilisation needs network.model: flow (this run uses ${model})`];
  if (model === 'flow' && (setting === undefined || setting === 'auto') && !recordsLinks(setting, model, workers))
    return [
      `no links.csv: output.links is off by default above ${grouped(AUTO_LINKS_MAX_WORKERS)} workers on the flow model (this run has ${grouped(workers)}); set output.links: true to record it`,
    ];
  return [];
}
