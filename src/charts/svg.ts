import { FONT_FAMILY } from './png.js';

/** Colour-blind-safe (Okabe-Ito), in the order series are drawn. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#8C6D1F', '#000000'];
export const INK = '#222222';
export const MUTED = '#666666';
export const GRID = '#e4e4e4';

export const WIDTH = 800;
export const FONT = { title: 18, subtitle: 12.5, label: 13, tick: 12 } as const;

/** Fixed decimals so the same data always gives the same bytes. */
export const n = (v: number): string => (Math.round(v * 10) / 10).toFixed(1);

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Rough advance width of DejaVu Sans text, for laying out margins and legends without measuring. */
export function textWidth(s: string, size: number): number {
  return s.length * size * 0.62;
}

export function text(x: number, y: number, s: string, o: { size?: number; anchor?: 'start' | 'middle' | 'end'; fill?: string; bold?: boolean; rotate?: boolean } = {}): string {
  const attrs = [`x="${n(x)}"`, `y="${n(y)}"`, `font-size="${o.size ?? FONT.tick}"`, `fill="${o.fill ?? INK}"`];
  if (o.anchor && o.anchor !== 'start') attrs.push(`text-anchor="${o.anchor}"`);
  if (o.bold) attrs.push('font-weight="bold"');
  if (o.rotate) attrs.push(`transform="rotate(-90 ${n(x)} ${n(y)})"`);
  return `<text ${attrs.join(' ')}>${esc(s)}</text>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, stroke: string, width = 1): string {
  return `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${stroke}" stroke-width="${width}"/>`;
}

/** The document: white background, title and subtitle at the top, then the chart's own elements. */
export function svgDocument(height: number, title: string, subtitle: string | undefined, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${n(height)}" viewBox="0 0 ${WIDTH} ${n(height)}" font-family="${FONT_FAMILY}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    text(WIDTH / 2, 30, title, { size: FONT.title, anchor: 'middle', bold: true }),
    ...(subtitle ? [text(WIDTH / 2, 50, subtitle, { size: FONT.subtitle, anchor: 'middle', fill: MUTED })] : []),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
