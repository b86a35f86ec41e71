/** The results layer's public surface: the recorder, the CSV/trace/manifest writers and the summary table. */
export type {
  Recorder,
  UpdateRecord,
  EvalRecord,
  SpanRecord,
  MetricRecord,
  WorkerRow,
  RunResult,
  CollapseInfo,
} from './recorder.ts';
export { MemoryRecorder } from './memory-recorder.ts';
export { LINKS_COLUMNS, hasLinks, linksCsv, linksLines } from './link-rows.ts';
export type { RunLinks, RunLinkBins } from './link-rows.ts';
export type { MemoryRecorderOptions, StalenessStats } from './memory-recorder.ts';
export { csvNumber, csvText, csvChunks, joinCsvLines } from './csv-cells.ts';
export {
  SUMMARY_COLUMNS,
  EVALS_COLUMNS,
  UPDATES_COLUMNS,
  WORKERS_COLUMNS,
  summaryCsv,
  evalsCsv,
  updatesCsv,
  workersCsv,
  csvFiles,
  throughputSamplesPerS,
  summaryLines,
  evalsLines,
  metricsCsv,
  metricsLines,
  METRICS_COLUMNS,
  updatesLines,
  workersLines,
} from './csv.ts';
export {
  traceJson,
  runTraceEvents,
  tracePid,
  traceTid,
  traceThreadSlots,
  processName,
  threadName,
  truncationNote,
} from './trace.ts';
export type { TraceEvent } from './trace.ts';
export { manifestJson, manifestFiles, canonicalJson, sha256Hex, byteSize } from './manifest.ts';
export type { ManifestInput, ManifestFile } from './manifest.ts';
export { writeResultsAtomic, abortPendingWrites, pendingWrites, cleanupStaleTemps } from './write-results.ts';
export type { FileContent, FileSource, WrittenFile, WriteResultsOptions } from './write-results.ts';
export {
  checkOutputTarget,
  OutputDirError,
  protectedProblems,
  replaceProblems,
  writableProblems,
} from './output-target.ts';
export type { TargetContext } from './output-target.ts';
export {
  AUTO_ROWS_MAX_WORKERS,
  DEFAULT_UPDATES_LIMIT,
  MAX_UPDATES_LIMIT,
  DEFAULT_TRACE_LIMIT,
  MAX_TRACE_LIMIT,
  keepsUpdateRows,
  outputNotes,
} from './output-defaults.ts';
export { formatSummaryTable } from './summary-table.ts';
export type { SummaryTableOptions } from './summary-table.ts';
export { humanDuration, humanSi, humanPercent, humanGigabytes, humanStaleness, MISSING } from './human-format.ts';
