import { lineChart, type LineSeries } from '../charts/line-chart.js';
import { svgToPng } from '../charts/png.js';
import { stackCharts } from '../charts/stack.js';
import type { CapacityReport } from '../capacity/run-capacity.js';
import type { StepResult } from '../capacity/step.js';

type Figure = keyof Pick<StepResult, 'ttft_p50_s' | 'ttft_p99_s' | 'tpot_p50_ms' | 'achieved_rps' | 'goodput_rps' | 'peak_total_tps'>;

/** One line of a panel: a step figure against the offered rate, steps in rate order, missing values skipped. */
function series(steps: readonly StepResult[], label: string, figure: Figure | 'rate'): LineSeries {
  const points = steps.flatMap((s): [number, number][] => {
    const v = figure === 'rate' ? s.rate : s[figure];
    return v === null ? [] : [[s.rate, v]];
  });
  return { label, points };
}

/** Latency and throughput against the offered rate, one panel each, as an SVG document. */
export function capacityChart(c: CapacityReport): string {
  const steps = [...c.steps].sort((a, b) => a.rate - b.rate);
  const knee = c.knee.rate === null ? 'no passing rate' : `knee ${c.knee.rate} req/s${c.knee.first_failing_rate === null ? '' : `, first failing ${c.knee.first_failing_rate} req/s`}`;
  const subtitle = `${c.endpoint?.name ?? ''}: ${knee}; SLO ${c.slo.join(', ')}`;
  return stackCharts([
    lineChart({ title: 'Latency against offered rate', subtitle, xLabel: 'offered rate (req/s)', yLabel: 'TTFT (s)', series: [series(steps, 'TTFT p50', 'ttft_p50_s'), series(steps, 'TTFT p99', 'ttft_p99_s')] }),
    lineChart({ title: 'Requests served against offered rate', xLabel: 'offered rate (req/s)', yLabel: 'req/s', series: [series(steps, 'offered', 'rate'), series(steps, 'achieved (completed/s)', 'achieved_rps'), series(steps, 'goodput', 'goodput_rps')] }),
    lineChart({ title: 'Peak Total TPS against offered rate', xLabel: 'offered rate (req/s)', yLabel: 'output tokens/s', series: [series(steps, 'peak Total TPS', 'peak_total_tps')] }),
  ]);
}

export async function capacityPng(c: CapacityReport): Promise<Buffer> {
  return svgToPng(capacityChart(c));
}
