import { lineChart, type LineSeries } from '../charts/line-chart.js';
import { svgToPng } from '../charts/png.js';
import { stackCharts } from '../charts/stack.js';
import type { CapacityReport } from '../capacity/run-capacity.js';
import type { StepResult } from '../capacity/step.js';
import { kneeText } from './capacity-table.js';

const DASH = '7 5';

type Figure = keyof Pick<StepResult, 'ttft_p50_s' | 'ttft_p99_s' | 'tpot_p50_ms' | 'sent_rps' | 'completed_rps' | 'goodput_rps' | 'peak_total_tps'>;

/** One line of a panel: a step figure against the offered rate, steps in rate order, missing values skipped. */
function series(steps: readonly StepResult[], label: string, figure: Figure | 'rate', dash = false): LineSeries {
  const points = steps.flatMap((s): [number, number][] => {
    const v = figure === 'rate' ? s.rate : (s[figure] ?? null);
    return v === null ? [] : [[s.rate, v]];
  });
  // dashed over a solid line it may lie on (goodput on completed, sent on offered): both stay visible
  return { label, points, dash: dash ? DASH : undefined, markers: true };
}

/** Latency and throughput against the offered rate, one panel each, as an SVG document. */
export function capacityChart(c: CapacityReport): string {
  const steps = [...c.steps].sort((a, b) => a.rate - b.rate);
  const subtitle = `${c.endpoint?.name ?? ''}: ${kneeText(c)}; SLO ${c.slo.join(', ')}`;
  return stackCharts([
    lineChart({ title: 'Latency against offered rate', subtitle, xLabel: 'offered rate (req/s)', yLabel: 'TTFT (s)', series: [series(steps, 'TTFT p50', 'ttft_p50_s'), series(steps, 'TTFT p99', 'ttft_p99_s')] }),
    lineChart({ title: 'Requests served against offered rate', xLabel: 'offered rate (req/s)', yLabel: 'req/s', series: [
      series(steps, 'offered', 'rate'), series(steps, 'sent (sending window)', 'sent_rps', true),
      series(steps, 'completed (sending window)', 'completed_rps'), series(steps, 'goodput', 'goodput_rps', true),
    ] }),
    lineChart({ title: 'Peak Total TPS against offered rate', xLabel: 'offered rate (req/s)', yLabel: 'output tokens/s', series: [series(steps, 'peak Total TPS', 'peak_total_tps')] }),
  ]);
}

export async function capacityPng(c: CapacityReport): Promise<Buffer> {
  return svgToPng(capacityChart(c));
}
