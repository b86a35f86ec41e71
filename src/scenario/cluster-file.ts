/**
 * The `cluster:` block of a file on its own, for `dtsim collective --cluster`: a scenario file, or a
 * file that holds only that block. It is read with every rule a scenario is read with (the size
 * limit, the YAML checks, the cluster schema with its limits and straggler checks, errors with
 * file:line:col), so a cluster file can neither crash the command nor mean something else than in a
 * scenario. Other top-level keys are not read.
 */
import { dirname, resolve } from 'node:path';
import { ScenarioError } from './errors.ts';
import { readScenarioText, traceReader, zodIssues } from './load.ts';
import { scenarioErrorMap } from './messages.ts';
import { cloneData } from './paths.ts';
import { clusterLayout } from './rank-lists.ts';
import { clusterShape } from './schema.ts';
import { clusterSchema } from './schema-cluster.ts';
import { parseText } from './source.ts';
import type { Scenario } from './types.ts';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads and validates the `cluster:` block of `file` (.yaml, .yml or .json).
 * @throws ScenarioError for an unreadable or too large file, a syntax or YAML-layer problem, a file
 *   without a `cluster:` mapping, or anything the scenario schema rejects in that block.
 */
export function loadClusterFile(file: string, read?: (path: string) => string): Scenario['cluster'] {
  const parsed = parseText(readScenarioText(file, read), file);
  if (!parsed.ok) throw new ScenarioError(file, parsed.issues);
  const { source } = parsed;
  const data = source.data;
  if (!isRecord(data) || !isRecord(data['cluster'])) {
    const at = isRecord(data) && data['cluster'] !== undefined ? source.locate(['cluster']) : { line: 1, column: 1 };
    throw new ScenarioError(file, [
      {
        file,
        ...(at ?? {}),
        path: 'cluster',
        message: 'expected a cluster: mapping with nodes (and optionally network), as in a scenario file',
      },
    ]);
  }
  const raw = { cluster: cloneData(data['cluster']) };
  const schema = clusterSchema({
    shape: clusterShape(raw),
    layout: clusterLayout(raw),
    baseDir: dirname(resolve(file)),
    readFile: traceReader(read),
    memo: new Map(),
  });
  const r = schema.safeParse(raw.cluster, { error: scenarioErrorMap, reportInput: true });
  if (r.success) return r.data;
  const where = (path: readonly PropertyKey[], key: boolean): { line?: number; column?: number } => {
    const pos = source.locate(path, { key });
    return pos === undefined ? {} : { line: pos.line, column: pos.column };
  };
  throw new ScenarioError(file, zodIssues(r.error, file, where, ['cluster']));
}
