/**
 * Every size limit of the scenario layer, in one place (docs/scenarios.md "Limits" lists them).
 * Each bounds an input whose size would otherwise decide how much memory or time validation takes,
 * so that `dtsim validate` stays under about 1 s and 200 MB for any file within them; the values
 * were measured with test/bench/validate-limits.ts. Limits owned by a lower layer (the cluster's GPU
 * count, dataset sizes, model sizes) live there and are re-exported here.
 */
export { MAX_CLUSTER_GPUS } from '../hardware/cluster.ts';

/**
 * Largest scenario file or text, in bytes (128 KiB). The yaml parser needs about 0.5 KB of memory
 * and 2 µs per byte of nested flow collections, and every byte may be validated again at each sweep
 * point; shipped scenarios are 1–2 KB.
 */
export const MAX_SCENARIO_BYTES = 128 * 1024;

/**
 * Largest straggler trace file, in bytes (4 MiB: about 300,000 `time_s,worker,factor` rows). A trace
 * is parsed at validation (by the file check and by the model itself), about 1 µs per row each.
 */
export const MAX_TRACE_BYTES = 4 * 1024 * 1024;

/**
 * Most values (scalars, lists and mappings, aliases expanded) one scenario text may hold. Aliases
 * let a small file describe a huge tree (the "billion laughs"); this counts the tree as the
 * validator will walk it, before any of it is built.
 */
export const MAX_VALUES = 100_000;

/** Deepest nesting of lists and mappings (a real scenario nests about 6 deep). */
export const MAX_DEPTH = 64;

/** Runs a sweep may expand to unless `--max-runs` raises it. */
export const DEFAULT_MAX_RUNS = 1000;

/**
 * Most seeds per configuration (`repeats`). Each repeat is a full run, counted against `--max-runs`;
 * a t-interval narrows as 1/sqrt(K), so past a few hundred seeds more runs buy little.
 */
export const MAX_REPEATS = 1000;

/** The most `--max-runs` may allow: each run's normalized scenario is kept in memory. */
export const MAX_RUNS_CEILING = 100_000;

/**
 * Values validated over all sweep points: points × values per point. Each point is validated in
 * full (about 2–3 µs per value), so this keeps a large file swept many times within the time budget.
 * Raised in proportion by `--max-runs` above the default.
 */
export const MAX_SWEEP_VALUES = 250_000;

/**
 * GPUs summed over the distinct clusters of one file's sweep points (2 × `MAX_CLUSTER_GPUS`). Each
 * distinct cluster and its topology is built at validation (about 2 µs and up to 1.2 KB per GPU);
 * points that share a cluster share that work. A scale sweep 4k, 8k, ..., 64k GPUs fits.
 */
export const MAX_SWEEP_GPUS = 131_072;

/**
 * Largest per-worker batch in any mode (2^20 samples). Larger batches are not real per-GPU batches,
 * and sample counters (batch × workers × steps) must stay exact below 2^53.
 */
export const MAX_BATCH_SIZE = 1 << 20;
