/** Shared helpers of the scenario tests. */
import { ScenarioError, formatIssue } from '../../src/scenario/errors.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import type { LoadOptions } from '../../src/scenario/load.ts';

/**
 * The problems `parseScenario` reports for `text` (named `file`), one formatted line each.
 * @throws if the scenario is accepted, or if anything but a ScenarioError is thrown.
 */
export function scenarioProblems(text: string, opts: LoadOptions = {}, file = 's.yaml'): string[] {
  try {
    parseScenario(text, file, opts);
  } catch (err) {
    if (err instanceof ScenarioError) return err.issues.map(formatIssue);
    throw err;
  }
  throw new Error('expected the scenario to be rejected');
}
