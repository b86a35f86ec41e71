/**
 * `dtsim merge <out> <shard folders...>`: joins the folders of `dtsim sweep --shard K/N` into the
 * folder the unsharded sweep writes, byte for byte (manifest.json's times and command aside). Each
 * shard folder holds its runs as stored runs (run-store.ts) under their global run ids, so merging is
 * reading them, sorting by run id and writing the folder with the same writers as `dtsim run`;
 * summary.csv's aggregate rows are computed afresh over all shards' runs.
 *
 * Before anything is written it checks that the folders are shards of one sweep (equal run-key
 * fingerprint and shard count), that no shard is given twice or missing, and that together they hold
 * every run exactly once.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunResult } from '../../results/recorder.ts';
import type { Scenario } from '../../scenario/types.ts';

/** The parts of a shard folder's manifest that merging reads. */
interface ShardManifest {
  readonly scenario: { file: string; sha256: string };
  readonly tensor_backend: string;
  readonly sweep?: { runs: number; run_keys_sha256: string; shard?: { index: number; count: number } };
  readonly runs: { run_id: number; run_key?: string; wall_s: number }[];
}

/** A shard folder, read. */
interface ShardFolder {
  readonly dir: string;
  readonly manifest: ShardManifest;
}

function readShard(dir: string): ShardFolder {
  let manifest: ShardManifest & { generator?: string };
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ShardManifest & { generator?: string };
  } catch (err) {
    throw new Error(
      `${dir}: no readable manifest.json (${(err as Error).message}); give folders that dtsim sweep --shard wrote`,
      { cause: err },
    );
  }
  if (manifest.generator !== 'dtsim' || manifest.sweep?.shard === undefined)
    throw new Error(
      `${dir}: not a shard folder (its manifest.json has no sweep.shard); give folders that dtsim sweep --shard K/N wrote`,
    );
  return { dir, manifest };
}

/**
 * Problems that keep `shards` from making one whole sweep: different sweeps, different shard counts,
 * shards given twice or missing.
 */
export function shardSetProblems(shards: readonly ShardFolder[]): string[] {
  const out: string[] = [];
  const first = shards[0]!.manifest.sweep!;
  const count = first.shard!.count;
  const byIndex = new Map<number, string>();
  for (const s of shards) {
    const sw = s.manifest.sweep!;
    if (sw.run_keys_sha256 !== first.run_keys_sha256 || sw.runs !== first.runs)
      out.push(
        `${s.dir} comes from a different sweep than ${shards[0]!.dir} (its runs differ: another scenario, --set or --seed)`,
      );
    else if (sw.shard!.count !== count)
      out.push(
        `${s.dir} is shard ${String(sw.shard!.index)}/${String(sw.shard!.count)}, but ${shards[0]!.dir} splits the sweep into ${String(count)}`,
      );
    else {
      const same = byIndex.get(sw.shard!.index);
      if (same !== undefined)
        out.push(`${s.dir} and ${same} are both shard ${String(sw.shard!.index)}/${String(count)}`);
      else byIndex.set(sw.shard!.index, s.dir);
    }
  }
  if (out.length > 0) return out;
  const missing = Array.from({ length: count }, (_, k) => k + 1).filter((k) => !byIndex.has(k));
  if (missing.length > 0)
    out.push(
      `missing ${missing.length === 1 ? 'shard' : 'shards'} ${missing.map((k) => `${String(k)}/${String(count)}`).join(', ')}; give every shard's folder`,
    );
  return out;
}

/**
 * Merges shard folders into `out`; returns the results in run order.
 * @throws Error listing what is wrong with the set of shards (nothing is written then).
 */
export async function mergeFolders(
  out: string,
  shardDirs: readonly string[],
): Promise<{ dir: string; results: RunResult[] }> {
  if (shardDirs.length === 0) throw new Error('give the shard folders to merge: dtsim merge <out> <shard folders...>');
  const shards = shardDirs.map((d) => readShard(resolve(d)));
  const problems = shardSetProblems(shards);
  if (problems.length > 0) throw new Error(`cannot merge:\n  ${problems.join('\n  ')}`);
  const { parseStoredRun, STORED_RUNS_DIR, storedRunName } = await import('../../results/run-store.ts');
  const total = shards[0]!.manifest.sweep!.runs;
  const slots: ({ result: RunResult; scenario: Scenario; text: string } | undefined)[] = Array.from({ length: total });
  for (const s of shards) {
    for (const run of s.manifest.runs) {
      const at = `${s.dir}: run ${String(run.run_id)}`;
      if (!Number.isInteger(run.run_id) || run.run_id < 0 || run.run_id >= total)
        throw new Error(`${at} lies outside the sweep's ${String(total)} runs`);
      if (slots[run.run_id] !== undefined)
        throw new Error(`${at} is also in another shard; each run must come from one shard`);
      const path = join(s.dir, STORED_RUNS_DIR, storedRunName(run.run_id, run.run_key ?? ''));
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        throw new Error(`${at}: its stored run ${path} is missing; run the shard again`);
      }
      const stored = parseStoredRun<Scenario>(text);
      // The wall-clock time is not stored with the run; the shard's manifest has it.
      slots[run.run_id] = { result: { ...stored.result, wallS: run.wall_s }, scenario: stored.scenario, text };
    }
  }
  const lost = slots.flatMap((x, i) => (x === undefined ? [i] : []));
  if (lost.length > 0) throw new Error(`cannot merge: runs ${lost.slice(0, 10).join(', ')} are in no shard folder`);
  const all = slots as { result: RunResult; scenario: Scenario; text: string }[];
  const first = shards[0]!.manifest;
  const dir = resolve(out);
  const { checkOutputTarget } = await import('../../results/output-target.ts');
  checkOutputTarget(dir, 'the merge folder', {
    cwd: process.cwd(),
    home: homedir(),
    scenarioFile: first.scenario.file,
  });
  const { plotsBeforeSwap, resultFiles } = await import('./run-files.ts');
  const { cleanupStaleTemps, writeResultsAtomic } = await import('../../results/write-results.ts');
  const { whileWriting } = await import('./interrupt.ts');
  cleanupStaleTemps(dir);
  const { sweep } = first;
  const { shard: _shard, ...whole } = sweep!;
  const started = new Date().toISOString();
  const { files, finalFiles } = resultFiles({
    results: all.map((x) => x.result),
    runs: all.map((x) => x.scenario),
    file: first.scenario.file,
    text: '',
    scenarioSha256: first.scenario.sha256,
    backend: first.tensor_backend,
    started,
    wallS: () => 0,
    sweep: { stored: all.map((x) => x.text), manifest: whole },
  });
  // The plots the unsharded sweep would have drawn: the merged folder is that sweep's, byte for byte.
  const beforeSwap = plotsBeforeSwap(
    all.map((x) => x.scenario),
    all.map((x) => x.result),
  );
  await whileWriting(dir, () =>
    writeResultsAtomic(dir, files, {
      finalFiles,
      origin: 'the merge folder',
      ...(beforeSwap === undefined ? {} : { beforeSwap }),
    }),
  );
  return { dir, results: all.map((x) => x.result) };
}

/** The `merge` subcommand. */
export function mergeCommand(): Command {
  return new Command('merge')
    .description('join the folders of `dtsim sweep --shard K/N` into the folder of the whole sweep')
    .argument('<out>', 'folder to write the merged results to')
    .argument('<shards...>', 'the shard folders, one per shard, in any order')
    .action(async (out: string, shards: string[]) => {
      const { dir, results } = await mergeFolders(out, shards);
      process.stdout.write(`merged ${String(shards.length)} shards (${String(results.length)} runs) into ${dir}\n`);
    });
}
