import { linear, niceTicks } from './scale.js';
import { dashAttr, FONT, GRID, INK, line, MUTED, n, seriesStyle, subtitleExtra, svgDocument, text, textWidth, WIDTH } from './svg.js';

/** One box: whiskers low..high, box q1..q3, a line at the median; null when there is nothing to draw. */
export interface BoxItem {
  label: string;
  box: { low: number; q1: number; median: number; q3: number; high: number } | null;
  /** Shown instead of a box when `box` is null. */
  note?: string;
  /** Default: the palette colour of its position. */
  color?: string;
  /** The box outline's dash pattern (more items than colours); default solid. */
  dash?: string | null;
}

export interface BoxChartSpec {
  title: string;
  /** Says what the box and whiskers are, e.g. "box P25-P75, line median, whiskers P5-P95". */
  subtitle?: string;
  /** The value axis, with its unit: "TTFT (s)". */
  axisLabel: string;
  items: BoxItem[];
  /** Decimals of the value printed beside each median. */
  digits: number;
  /** How that value is printed (default: `digits` fixed decimals). */
  format?: (v: number) => string;
}

const ROW = 42;
const BOX_H = 18;
const PLOT_TOP = 72;
const BOTTOM = 62;
const RIGHT = 90;

/** Horizontal box-and-whisker chart, one row per item in the given order: long endpoint names stay readable. */
export function boxChart(spec: BoxChartSpec): string {
  const left = Math.min(320, 24 + Math.max(60, ...spec.items.map((i) => textWidth(i.label, FONT.label))));
  const boxes = spec.items.flatMap((i) => (i.box ? [i.box] : []));
  const { ticks, hi, decimals } = niceTicks(0, Math.max(0, ...boxes.map((b) => b.high)));
  const x = linear(0, hi, left, WIDTH - RIGHT);
  const TOP = PLOT_TOP + subtitleExtra(spec.subtitle);
  const plotBottom = TOP + spec.items.length * ROW;
  const body: string[] = [];
  for (const t of ticks) {
    body.push(line(x(t), TOP, x(t), plotBottom, GRID));
    body.push(text(x(t), plotBottom + 18, t.toFixed(decimals), { anchor: 'middle', fill: MUTED }));
  }
  body.push(line(left, plotBottom, WIDTH - RIGHT, plotBottom, MUTED));
  body.push(text((left + WIDTH - RIGHT) / 2, plotBottom + 44, spec.axisLabel, { size: FONT.label, anchor: 'middle' }));
  spec.items.forEach((item, i) => {
    const cy = TOP + i * ROW + ROW / 2;
    body.push(text(left - 12, cy + 4.5, fit(item.label, left - 24), { size: FONT.label, anchor: 'end' }));
    const style = { color: item.color ?? seriesStyle(i).color, dash: item.dash ?? null };
    const format = spec.format ?? ((v: number) => v.toFixed(spec.digits));
    body.push(...(item.box ? drawBox(item.box, cy, x, style, format) : [text(left + 8, cy + 4.5, item.note ?? 'no data', { fill: MUTED })]));
  });
  return svgDocument(plotBottom + BOTTOM, spec.title, spec.subtitle, body);
}

function drawBox(b: NonNullable<BoxItem['box']>, cy: number, x: (v: number) => number, { color, dash }: { color: string; dash: string | null }, format: (v: number) => string): string[] {
  const top = cy - BOX_H / 2;
  const cap = BOX_H / 2.5;
  return [
    line(x(b.low), cy, x(b.q1), cy, INK),
    line(x(b.q3), cy, x(b.high), cy, INK),
    line(x(b.low), cy - cap, x(b.low), cy + cap, INK),
    line(x(b.high), cy - cap, x(b.high), cy + cap, INK),
    `<rect x="${n(x(b.q1))}" y="${n(top)}" width="${n(Math.max(1, x(b.q3) - x(b.q1)))}" height="${BOX_H}" fill="${color}" fill-opacity="0.35" stroke="${color}" stroke-width="1.5"${dashAttr(dash)}/>`,
    line(x(b.median), top, x(b.median), top + BOX_H, color, 3),
    text(x(b.high) + 8, cy + 4, format(b.median), { fill: INK }),
  ];
}

/** The label, shortened with an ellipsis when it would run off the left edge. */
function fit(label: string, width: number): string {
  const max = Math.floor(width / textWidth('x', FONT.label));
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}
