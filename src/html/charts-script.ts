/** A line chart of the page: x values shared by its series (null = no value at that x). */
export interface ChartSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  x: number[];
  series: { label: string; values: (number | null)[] }[];
  /** 'log' for latency CDFs spanning decades. */
  xScale?: 'linear' | 'log';
  /** Draw lines across nulls (overlaid curves on the union of their x values). */
  spanGaps?: boolean;
}

/**
 * Runs in the browser (its source is inlined into the page, so it may use nothing from this module):
 * draws each `data.charts` entry into the element with its id with uPlot, and leaves what it drew in
 * `window.__charts` (finite points per chart) for the browser test.
 */
export function drawCharts(data: { charts: ChartSpec[] }): void {
  const g = globalThis as any;
  const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  const drawn: { id: string; points: number }[] = [];
  for (const c of data.charts) {
    const el = g.document.getElementById(c.id);
    if (!el) continue;
    const opts = {
      title: c.title,
      width: Math.max(320, Math.min(600, el.clientWidth || 580)),
      height: 260,
      scales: { x: { time: false, distr: c.xScale === 'log' ? 3 : 1 } },
      axes: [{ label: c.xLabel }, { label: c.yLabel, size: 60 }],
      series: [{ label: c.xLabel }, ...c.series.map((s, i) => ({ label: s.label, stroke: palette[i % palette.length], width: 2, points: { size: 4 }, spanGaps: Boolean(c.spanGaps) }))],
      legend: { live: true },
    };
    new g.uPlot(opts, [c.x, ...c.series.map((s) => s.values)], el);
    const points = c.series.reduce((n, s) => n + s.values.filter((v, i) => v !== null && Number.isFinite(v) && Number.isFinite(c.x[i])).length, 0);
    drawn.push({ id: c.id, points });
  }
  g.__charts = drawn;
}
