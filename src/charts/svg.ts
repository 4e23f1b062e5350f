import { FONT_FAMILY } from './png.js';

/**
 * Twelve distinct colours in the order series are drawn: Okabe-Ito's colour-blind-safe eight (yellow
 * swapped for a brown that reads on white), then four of Paul Tol's. Past twelve, `seriesStyle` adds
 * a dash pattern, so no two of up to 48 series look alike.
 */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#8C6D1F', '#000000', '#332288', '#882255', '#999933', '#7F7F7F'];
const DASHES = [null, '7 4', '2 3', '9 3 2 3'];

/** How the i-th series is drawn: its colour, and a dash pattern once the colours have all been used. */
export function seriesStyle(i: number): { color: string; dash: string | null } {
  return { color: PALETTE[i % PALETTE.length], dash: DASHES[Math.floor(i / PALETTE.length) % DASHES.length] };
}

/** The stroke-dasharray attribute for a dash pattern (none for a solid line). */
export function dashAttr(dash: string | null | undefined): string {
  return dash ? ` stroke-dasharray="${dash}"` : '';
}
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

/** Height of each subtitle line after the first. */
export const SUBTITLE_LINE = 16;

/** The subtitle in lines that fit the width, broken at ` · ` first, else at spaces. */
export function subtitleLines(subtitle: string | undefined): string[] {
  if (!subtitle) return [];
  const fits = (s: string) => textWidth(s, FONT.subtitle) <= WIDTH - 40;
  const lines: string[] = [];
  for (const sep of [' · ', ' ']) {
    lines.length = 0;
    for (const part of subtitle.split(sep)) {
      const last = lines.at(-1);
      if (last !== undefined && fits(`${last}${sep}${part}`)) lines[lines.length - 1] = `${last}${sep}${part}`;
      else lines.push(part);
    }
    if (lines.every(fits)) break;
  }
  return lines;
}

/** Room the subtitle takes below its first line: charts push their plot down by it. */
export function subtitleExtra(subtitle: string | undefined): number {
  return Math.max(0, subtitleLines(subtitle).length - 1) * SUBTITLE_LINE;
}

/** The document: white background, title and subtitle (wrapped) at the top, then the chart's own elements. */
export function svgDocument(height: number, title: string, subtitle: string | undefined, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${n(height)}" viewBox="0 0 ${WIDTH} ${n(height)}" font-family="${FONT_FAMILY}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    text(WIDTH / 2, 30, title, { size: FONT.title, anchor: 'middle', bold: true }),
    ...subtitleLines(subtitle).map((l, i) => text(WIDTH / 2, 50 + i * SUBTITLE_LINE, l, { size: FONT.subtitle, anchor: 'middle', fill: MUTED })),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
