/**
 * Scenario errors (design.md §6): every problem of a file is collected and reported together, each
 * naming the file with line and column (or the `--set` argument it came from), the path inside the
 * scenario, the bad value and what is allowed.
 */

/** One problem in a scenario. */
export interface ScenarioIssue {
  /** The scenario file. */
  readonly file: string;
  /** 1-based line and column of the offending text in the file, when known. */
  readonly line?: number;
  readonly column?: number;
  /** Where the value came from when not the file: `--set training.x=3`, `--seed 7`. */
  readonly origin?: string;
  /** Path inside the scenario (`cluster.nodes[1].nic.bandwidth`); '' for the file as a whole. */
  readonly path: string;
  /** What is wrong: `got <value>; expected <what is allowed>`. */
  readonly message: string;
  /** The sweep points it occurs at, when not all of them. */
  readonly points?: readonly string[];
}

/** `file:line:col: path: message`, or `--set a=b: path: message`, plus the sweep points if any. */
export function formatIssue(i: ScenarioIssue): string {
  const where = i.origin ?? (i.line === undefined ? i.file : `${i.file}:${i.line}:${i.column ?? 1}`);
  const at = i.path === '' ? '' : `${i.path}: `;
  const points =
    i.points === undefined || i.points.length === 0
      ? ''
      : ` [sweep point${i.points.length > 1 ? 's' : ''}: ${i.points.join('; ')}]`;
  return `${where}: ${at}${i.message}${points}`;
}

/** A scenario that cannot run; `issues` holds every problem found, the message lists them all. */
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly ScenarioIssue[],
  ) {
    super(
      `invalid scenario ${file} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`,
    );
    this.name = 'ScenarioError';
  }
}
