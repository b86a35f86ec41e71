/**
 * `--shard K/N`: which runs of a sweep one machine of N runs. Run i belongs to shard (i mod N) + 1:
 * round robin rather than contiguous blocks, so the shards' sizes differ by at most one and each
 * shard gets a share of every part of the sweep (the expensive points of a grid often sit together).
 * Runs keep their global run id in every shard, which makes merging a sort by run id.
 */
import { createHash } from 'node:crypto';

/** One shard of N. */
export interface Shard {
  /** 1-based: 1..count. */
  readonly index: number;
  readonly count: number;
}

/**
 * Reads `K/N`.
 * @throws Error for anything but two whole numbers with 1 ≤ K ≤ N.
 */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m === null ? NaN : Number(m[1]);
  const count = m === null ? NaN : Number(m[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || index < 1 || index > count)
    throw new Error(`--shard must be K/N with 1 <= K <= N, e.g. --shard 2/8; got ${JSON.stringify(text)}`);
  return { index, count };
}

/** The global run ids of `shard` among `total` runs, ascending. */
export function shardRunIds(total: number, shard: Shard): number[] {
  const out: number[] = [];
  for (let i = shard.index - 1; i < total; i += shard.count) out.push(i);
  return out;
}

/**
 * manifest.json's `sweep` section: the whole sweep's size and run-key fingerprint (equal in every
 * shard of one sweep, which `dtsim merge` checks) and the shard, if any.
 */
export function sweepManifest(
  runs: readonly object[],
  runKey: (scenario: object) => string,
  shard: Shard | undefined,
): { runs: number; run_keys_sha256: string; shard?: Shard } {
  const keys = runs.map((r) => `${runKey(r)}\n`).join('');
  return {
    runs: runs.length,
    run_keys_sha256: createHash('sha256').update(keys).digest('hex'),
    ...(shard === undefined ? {} : { shard: { index: shard.index, count: shard.count } }),
  };
}
