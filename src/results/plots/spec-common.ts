/** What every plot spec shares: the spec type, the look, and number formatting for subtitles. */

/** A Vega-Lite spec as plain JSON (the packages' own types are not loaded outside the renderer). */
export type VlSpec = Record<string, unknown>;

/** A plot: file stem, its spec, and a one-line description for the command's report. */
export interface PlotSpec {
  readonly name: string;
  readonly spec: VlSpec;
}

/** A plot that could not be drawn, and the one-line reason. */
export interface SkippedPlot {
  readonly name: string;
  readonly reason: string;
}

/**
 * Settings every spec carries. A white background so the PNG is readable on dark viewers; the font is
 * named so that the SVG and the PNG (rendered by resvg from system fonts) agree.
 */
export const BASE_CONFIG = {
  background: 'white',
  padding: 8,
  config: {
    font: 'DejaVu Sans, Arial, sans-serif',
    title: { anchor: 'start', fontSize: 14, subtitleFontSize: 11, subtitleColor: '#555' },
    axis: { labelFontSize: 10, titleFontSize: 11 },
    legend: { labelFontSize: 10, titleFontSize: 11, labelLimit: 320 },
    view: { stroke: '#ddd' },
  },
} as const;

/** `12,345` style integers for subtitles (fixed locale, so output never depends on the machine). */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A number of seconds for subtitles, to 3 significant digits. */
export function seconds(s: number): string {
  return `${Number(s.toPrecision(3))} s`;
}
