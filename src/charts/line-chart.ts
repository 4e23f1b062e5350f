import { linear, niceTicks } from './scale.js';
import { dashAttr, FONT, GRID, line, MUTED, n, seriesStyle, subtitleExtra, svgDocument, text, textWidth, WIDTH } from './svg.js';

export interface LineSeries {
  label: string;
  /** [x, y] pairs in x order. */
  points: [number, number][];
  /** Default: the palette colour of its position. */
  color?: string;
  /** Default: solid, or a dash pattern when the palette has been used up. */
  dash?: string | null;
  /** Draw a dot at each point (few points, each a measurement, e.g. one run per rate). */
  markers?: boolean;
}

export interface LineChartSpec {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
}

const HEIGHT = 440;
const LEFT = 78;
const RIGHT = 28;
const BOTTOM = 62;
const LEGEND_ROW = 20;
/** Baseline of the first legend row, clear of the subtitle. */
const LEGEND_TOP = 80;

/** One line per series over shared axes starting at 0, with a legend under the title. */
export function lineChart(spec: LineChartSpec): string {
  const legend = legendRows(spec.series.map((s) => s.label));
  const extra = subtitleExtra(spec.subtitle);
  const legendTop = LEGEND_TOP + extra;
  const top = legendTop + legend.length * LEGEND_ROW;
  const all = spec.series.flatMap((s) => s.points);
  const xs = niceTicks(0, Math.max(0, ...all.map((p) => p[0])));
  const ys = niceTicks(0, Math.max(0, ...all.map((p) => p[1])), 5);
  const height = HEIGHT + extra + legend.length * LEGEND_ROW;
  const bottom = height - BOTTOM;
  const x = linear(0, xs.hi, LEFT, WIDTH - RIGHT);
  const y = linear(0, ys.hi, bottom, top);
  const body: string[] = [];
  for (const t of ys.ticks) {
    body.push(line(LEFT, y(t), WIDTH - RIGHT, y(t), GRID));
    body.push(text(LEFT - 8, y(t) + 4, t.toFixed(ys.decimals), { anchor: 'end', fill: MUTED }));
  }
  for (const t of xs.ticks) body.push(text(x(t), bottom + 18, t.toFixed(xs.decimals), { anchor: 'middle', fill: MUTED }));
  body.push(line(LEFT, bottom, WIDTH - RIGHT, bottom, MUTED));
  body.push(text((LEFT + WIDTH - RIGHT) / 2, bottom + 44, spec.xLabel, { size: FONT.label, anchor: 'middle' }));
  body.push(text(20, (top + bottom) / 2, spec.yLabel, { size: FONT.label, anchor: 'middle', rotate: true }));
  const style = (i: number) => ({ color: spec.series[i].color ?? seriesStyle(i).color, dash: spec.series[i].dash === undefined ? seriesStyle(i).dash : spec.series[i].dash });
  spec.series.forEach((s, i) => {
    const { color, dash } = style(i);
    const d = s.points.map((p, j) => `${j ? 'L' : 'M'}${n(x(p[0]))} ${n(y(p[1]))}`).join(' ');
    // hundreds of points (a series over time) get a thinner line, so crossing series stay readable
    const width = s.points.length > 200 ? 1.2 : 2.2;
    if (d) body.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="${width}" stroke-linejoin="round"${dashAttr(dash)}/>`);
    if (s.markers) for (const p of s.points) body.push(`<circle cx="${n(x(p[0]))}" cy="${n(y(p[1]))}" r="3.5" fill="${color}"/>`);
  });
  legend.forEach((row, r) => row.forEach(({ label, index, at }) => {
    const ly = legendTop + r * LEGEND_ROW;
    const { color, dash } = style(index);
    body.push(`<line x1="${n(at)}" y1="${n(ly - 4)}" x2="${n(at + 22)}" y2="${n(ly - 4)}" stroke="${color}" stroke-width="3"${dashAttr(dash)}/>`);
    body.push(text(at + 28, ly, label, { size: FONT.tick }));
  }));
  return svgDocument(height, spec.title, spec.subtitle, body);
}

/** Legend entries laid out left to right, wrapping to new rows, each row centred. */
function legendRows(labels: string[]): { label: string; index: number; at: number }[][] {
  const rows: { label: string; index: number; w: number }[][] = [[]];
  let width = 0;
  labels.forEach((label, index) => {
    const w = 28 + textWidth(label, FONT.tick) + 20;
    if (width + w > WIDTH - LEFT - RIGHT && rows.at(-1)!.length) {
      rows.push([]);
      width = 0;
    }
    rows.at(-1)!.push({ label, index, w });
    width += w;
  });
  return rows.filter((r) => r.length).map((row) => {
    let at = (WIDTH - row.reduce((a, e) => a + e.w, 0)) / 2;
    return row.map((e) => {
      const placed = { label: e.label, index: e.index, at };
      at += e.w;
      return placed;
    });
  });
}
