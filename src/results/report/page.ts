/**
 * The report page's frame: the document, its inline style, and the one small inline script (the
 * Perfetto button). Everything is inline so the single file works offline and can be mailed or
 * attached to an issue as it is.
 */
import { esc } from './html.ts';
import { REPORT_GENERATOR_META } from './marker.ts';
import { PERFETTO_URL } from './sections.ts';

const STYLE = `
body{font:14px/1.45 "DejaVu Sans",Arial,sans-serif;color:#222;margin:0 auto;max-width:1250px;padding:0 24px 48px}
h1{font-size:22px;margin:24px 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
nav a{margin-right:14px}.note{color:#555;font-size:12px}
table{border-collapse:collapse;font-size:13px}th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.flagged td{background:#fff3f0}table.runs{display:block;overflow-x:auto}
table.kv th{background:none;font-weight:normal;color:#555}
pre{background:#f7f7f7;border:1px solid #e5e5e5;padding:8px;overflow:auto;font-size:12px;max-height:600px}
figure{margin:16px 0}figure svg{max-width:100%;height:auto}figcaption{font-size:12px;color:#555}
summary{cursor:pointer}
`;

/**
 * The Perfetto button. The window is opened in the click handler itself, because browsers block
 * pop-ups opened later (after a file read or a fetch); the trace is posted once Perfetto answers PING.
 */
const SCRIPT = `
(function(){var U=${JSON.stringify(PERFETTO_URL)},b=document.getElementById('open-perfetto'),f=document.getElementById('trace-file'),s=document.getElementById('perfetto-status');
if(!b)return;function say(t){s.textContent=t}
b.addEventListener('click',function(){var file=f.files&&f.files[0];
if(!file&&location.protocol==='file:'){say('Pick trace.json first: a page opened from disk may not read files itself.');return}
var w=window.open(U);if(!w){say('The pop-up was blocked: open '+U+' and load the trace there.');return}
var load=file?file.arrayBuffer():fetch(b.getAttribute('data-trace')).then(function(r){if(!r.ok)throw new Error(r.status);return r.arrayBuffer()});
load.then(function(buf){var t=setInterval(function(){w.postMessage('PING',U)},100);
window.addEventListener('message',function m(e){if(e.source!==w||e.data!=='PONG')return;clearInterval(t);window.removeEventListener('message',m);
w.postMessage({perfetto:{buffer:buf,title:file?file.name:'trace.json'}},U);say('Sent to Perfetto.')})},function(e){say('Could not read the trace ('+e+'); pick it above.')})})})();
`;

/** One section of the page: its anchor, heading and HTML body. */
export interface PageSection {
  readonly id: string;
  readonly title: string;
  readonly html: string;
}

/** The complete HTML document. `title` and the headings are escaped here; bodies arrive escaped. */
export function pageHtml(title: string, subtitle: string, sections: readonly PageSection[]): string {
  const nav = sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join('');
  const body = sections.map((s) => `<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2>\n${s.html}\n</section>`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
${REPORT_GENERATOR_META}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="note">${esc(subtitle)}</p>
<nav>${nav}</nav>
${body.join('\n')}
<script>${SCRIPT}</script>
</body>
</html>
`;
}
