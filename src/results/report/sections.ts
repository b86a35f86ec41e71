/**
 * The report's text sections: the scenario (the command and scenario file the manifest records, and
 * the file's text when it is still there), the manifest itself, and how to open trace.json in
 * Perfetto. Each returns HTML with every value escaped.
 */
import { esc, hrefOf } from './html.ts';

/** What the report knows of the scenario file named in the manifest. */
export interface ScenarioSource {
  /** The path as the manifest records it (as the user gave it to `dtsim run`). */
  readonly file: string;
  /** The file's text now, when it could be read. */
  readonly text?: string;
  /** Whether the text hashes to the manifest's `scenario.sha256` (absent: no text, or no hash). */
  readonly matches?: boolean;
}

/** A word of a command line, quoted for a POSIX shell when it needs it, so the line can be pasted. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The scenario section: command, scenario name and file, hashes, and the file's text. */
export function scenarioHtml(
  manifest: Record<string, unknown> | undefined,
  source: ScenarioSource | undefined,
): string {
  if (manifest === undefined) return '<p class="note">No readable manifest.json: the scenario is not known.</p>';
  const parts: string[] = [];
  const command = manifest.command;
  if (Array.isArray(command))
    parts.push(
      `<p>Command:</p><pre class="cmd">dtsim ${esc(command.map((w) => shellWord(String(w))).join(' '))}</pre>`,
    );
  const sc = (manifest.scenario ?? {}) as Record<string, unknown>;
  const rows: [string, unknown][] = [
    ['name', sc.name],
    ['file', sc.file],
    ['sha256 (file text)', sc.sha256],
    ['sha256 (normalized scenario)', sc.normalized_sha256],
    ['seeds', Array.isArray(manifest.seeds) ? manifest.seeds.join(', ') : undefined],
  ];
  parts.push(
    `<table class="kv">${rows
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(String(v))}</td></tr>`)
      .join('')}</table>`,
  );
  if (source?.text === undefined) {
    const file = source?.file ?? String(sc.file ?? '');
    parts.push(
      `<p class="note">The scenario file ${esc(file)} is not readable from here (moved, deleted, or the run was made in another folder); the hashes above identify it.</p>`,
    );
  } else {
    const state =
      source.matches === false
        ? 'it has <strong>changed since the run</strong> (its sha256 differs): this is the file now, not what ran'
        : 'unchanged since the run (same sha256)';
    parts.push(
      `<details open><summary>${esc(source.file)}: ${state}</summary><pre class="src">${esc(source.text)}</pre></details>`,
    );
  }
  return parts.join('\n');
}

/** The manifest as indented JSON, folded away by default (it is long and mostly for reproducing). */
export function manifestHtml(manifestText: string | undefined): string {
  if (manifestText === undefined) return '<p class="note">This folder has no readable manifest.json.</p>';
  let pretty = manifestText;
  try {
    pretty = JSON.stringify(JSON.parse(manifestText), null, 2);
  } catch {
    // Shown as it is: a damaged manifest is still worth reading.
  }
  return `<details><summary>manifest.json (${esc(String(manifestText.length))} characters)</summary><pre class="src">${esc(pretty)}</pre></details>`;
}

/** Where Perfetto's trace viewer lives; the report opens it and hands it the trace. */
export const PERFETTO_URL = 'https://ui.perfetto.dev';

/**
 * The trace section. The trace is never inlined (it can be hundreds of MB): the page links the file
 * beside it and offers a button that opens Perfetto and posts the trace to it (Perfetto's documented
 * PING/PONG "open trace" handshake). A page opened from disk may not read a neighbouring file, so the
 * button uses the file picked in the form, or fetches `traceHref` when the page is served over HTTP.
 */
export function traceHtml(traceRelPath: string | undefined): string {
  if (traceRelPath === undefined)
    return '<p class="note">No trace.json in this folder (the runs had output.trace: false).</p>';
  const href = hrefOf(traceRelPath);
  return `<p>The trace of simulated time (every worker's compute, communication and idle spans) is
<a id="trace-link" href="${href}" download>${esc(traceRelPath)}</a>, beside this report. Perfetto shows it on a
zoomable timeline; it needs a network connection (the rest of this report does not).</p>
<ol>
<li>Either open <a id="perfetto-link" href="${PERFETTO_URL}" target="_blank" rel="noopener noreferrer">ui.perfetto.dev</a>, choose <em>Open trace file</em> and pick ${esc(traceRelPath)};</li>
<li>or pick it here <input id="trace-file" type="file" accept=".json,application/json"> and
<button id="open-perfetto" type="button" data-trace="${href}">Open trace in Perfetto</button>
(when this page is served over HTTP, the button loads the trace itself). <span id="perfetto-status" class="note"></span></li>
</ol>`;
}
