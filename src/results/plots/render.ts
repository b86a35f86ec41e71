/**
 * Renders Vega-Lite specs to SVG (vega's scenegraph in Node, no browser and no canvas) and SVG to PNG
 * (resvg, a native module). Both packages are imported on first use only, so that loading this module
 * costs nothing until a plot is drawn and `dtsim --help` never loads them.
 */
import type { VlSpec } from './spec-common.ts';

/** The system font resvg falls back to; vega's SVG names its own list (spec-common.ts). */
const DEFAULT_FONT = 'DejaVu Sans';
/** PNG pixels per SVG pixel: twice the size, so that text stays sharp on high-density screens. */
const PNG_SCALE = 2;

/** The SVG text of a Vega-Lite spec. The same spec gives the same bytes (no ids, no dates). */
export async function renderSvg(spec: VlSpec): Promise<string> {
  const vega = await import('vega');
  const { compile } = await import('vega-lite');
  const compiled = compile(spec as unknown as Parameters<typeof compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * A PNG of the SVG text, at twice its size. resvg draws text only with fonts it can find: the system's
 * (DejaVu Sans where present); without any, the PNG has the shapes but no text.
 */
export async function renderPng(svg: string): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: PNG_SCALE },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: DEFAULT_FONT, sansSerifFamily: DEFAULT_FONT },
  });
  return resvg.render().asPng();
}
