/**
 * The `--max-runs N` option of `dtsim run` and `dtsim validate`: the most runs a sweep may expand to
 * (the scenario layer's default is 1,000; see docs/scenarios.md "Limits"). Kept free of the scenario
 * layer's imports so that `--help` stays fast.
 */

/** Help text of the option. */
export const MAX_RUNS_HELP = 'most runs a sweep may expand to (default 1000, at most 100000)';

/**
 * The option's value as a number for `LoadOptions.maxRuns`; the scenario layer checks its range.
 * @throws Error for text that is not a whole number.
 */
export function parseMaxRuns(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(text))
    throw new Error(`--max-runs must be a whole number such as 5000, got ${JSON.stringify(text)}`);
  return Number(text);
}
