/**
 * The few HTML helpers `dtsim report` needs. Every value that reaches the page goes through `esc`:
 * run labels, scenario text and manifest fields come from files a user may have edited, and a label
 * like `<script>` must show as text, never run.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` safe inside an element or a quoted attribute value. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * A relative path as an `href`: each segment percent-encoded (a folder named `a#b` or `50%` must not
 * turn into a fragment or an escape), `/` kept, then HTML-escaped for the attribute.
 */
export function hrefOf(relPath: string): string {
  return esc(
    relPath
      .split(/[\\/]/)
      .map((s) => encodeURIComponent(s))
      .join('/'),
  );
}

/**
 * An SVG from the plot renderer, made fit to sit inline among others: a `<title>` (what the browser
 * shows on hover and what screen readers read, and how the report's test finds each plot) and any
 * `id`s prefixed with the plot's name, since ids must be unique across the whole page.
 */
export function inlineSvg(svg: string, name: string, title: string): string {
  const prefixed = svg
    .replace(/\bid="([^"]*)"/g, (_m, id: string) => `id="${name}-${id}"`)
    .replace(/url\(#([^)]*)\)/g, (_m, id: string) => `url(#${name}-${id})`)
    .replace(/href="#([^"]*)"/g, (_m, id: string) => `href="#${name}-${id}"`);
  return prefixed.replace(
    /^<svg\b([^>]*)>/,
    (_m, attrs: string) => `<svg${attrs} role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>`,
  );
}
