/**
 * What the federated schedules (fedavg, fedbuff) share: the client options (local epochs or steps, and
 * where the server runs), their checks, the server and client-host ranks, and a client's step count.
 * Declared once so the two schedules cannot drift apart.
 */
import type { OptionSpecs } from '../../core/options.ts';
import type { ScheduleContext } from '../context.ts';
import { rankRange } from './crew.ts';
import type { RunShape } from '../types.ts';

/** The client options both federated schedules take; spread last into a schedule's own options. */
export const CLIENT_OPTIONS = {
  localEpochs: {
    type: 'number',
    min: 0,
    default: 1,
    description: 'E: local epochs each time a client trains; it takes ceil(E·n_k/B) steps of the scenario batch B',
  },
  localSteps: {
    type: 'number',
    integer: true,
    min: 1,
    description:
      'fixed local steps per client instead of ceil(E·n_k/B); absent: from E (in timing-only mode without ' +
      'a known training-set size, E steps)',
  },
  servers: {
    type: 'enum',
    values: ['colocated', 'dedicated'],
    default: 'colocated',
    description:
      "where the server runs: 'colocated' on rank 0, which also hosts clients, or 'dedicated' on the last rank, " +
      'which hosts none',
  },
} as const satisfies OptionSpecs;

/** The values of `CLIENT_OPTIONS` as a schedule receives them. */
export interface ClientOptions {
  readonly localEpochs: number;
  readonly localSteps?: number | undefined;
  readonly servers: 'colocated' | 'dedicated';
}

/** Problems with the client options on this cluster (empty when fine). */
export function clientProblems(o: ClientOptions, shape: RunShape): string[] {
  const out: string[] = [];
  if (o.servers === 'dedicated' && shape.workers < 2)
    out.push(`servers dedicated needs at least 2 workers (one server, one for clients), got ${shape.workers}`);
  if (!(o.localEpochs > 0)) out.push(`localEpochs must be > 0, got ${o.localEpochs}`);
  return out;
}

/** The server's rank and the ranks that host clients. */
export function clientLayout(workers: number, servers: ClientOptions['servers']): { server: number; hosts: number[] } {
  return servers === 'dedicated'
    ? { server: workers - 1, hosts: rankRange(workers - 1) }
    : { server: 0, hosts: rankRange(workers) };
}

/**
 * n_k and the local steps of client k, among `clients`: n_k is the shard's size, or the training set
 * split evenly when shard sizes are unknown (timing-only mode), NaN when neither is known.
 */
export function clientWork(
  ctx: ScheduleContext,
  o: ClientOptions,
  clients: number,
): { shardSize: (k: number) => number; steps: (k: number) => number } {
  const { trainer } = ctx;
  const shardSize = (k: number): number => {
    const n = trainer.shardSize(k);
    return Number.isFinite(n) ? n : trainer.trainSize() / clients;
  };
  const steps = (k: number): number => {
    if (o.localSteps !== undefined) return o.localSteps;
    const n = shardSize(k);
    return Number.isFinite(n) ? Math.max(1, Math.ceil((o.localEpochs * n) / ctx.batchSize)) : Math.ceil(o.localEpochs);
  };
  return { shardSize, steps };
}
