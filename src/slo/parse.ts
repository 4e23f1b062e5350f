import type { Comparison } from '../metrics/summary.js';
import { METRICS, METRICS_HELP, type MetricDef } from './catalog.js';

/** One parsed objective: `metric op threshold`, the threshold in the unit the summary stores. */
export interface Slo {
  /** As written (normalised: no spaces), e.g. `ttft_p99<=2s`. */
  text: string;
  metric: MetricDef;
  op: Comparison;
  threshold: number;
  /** The unit it was written in (`s`, `ms`, `us`, `%` or ``): measured values are shown in it. */
  unit: string;
}

const OPERATORS = '<, <=, >, >=';
/** Powers of ten of a second; scaling by a power of ten keeps thresholds like 100000us = 100ms exact. */
const TIME_UNITS: Record<string, number> = { s: 0, ms: -3, us: -6 };

function rescale(value: number, from: string, to: string): number {
  const e = TIME_UNITS[from] - TIME_UNITS[to];
  return e >= 0 ? value * 10 ** e : value / 10 ** -e;
}
const FORM = /^([a-z0-9_]+)(<=|>=|<|>)(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)([a-z%]*)$/;

export function compare(value: number, op: Comparison, threshold: number): boolean {
  switch (op) {
    case '<': return value < threshold;
    case '<=': return value <= threshold;
    case '>': return value > threshold;
    case '>=': return value >= threshold;
  }
}

/**
 * Parses a comma-separated list such as `ttft_p99<=2s,error_rate<=1%,total_tps_peak>=500`.
 * Every problem is reported (one line each, naming `source`), never just the first.
 */
export function parseSlos(input: string | readonly string[], source = '--slo'): { slos: Slo[] } | { problems: string[] } {
  const items = (typeof input === 'string' ? input.split(',') : input).map((s) => s.replace(/\s+/g, '')).filter(Boolean);
  const slos: Slo[] = [];
  const problems: string[] = [];
  for (const item of items) {
    const r = parseOne(item);
    if (typeof r === 'string') problems.push(`${source}: '${item}': ${r}`);
    else slos.push(r);
  }
  if (!items.length) problems.push(`${source}: empty; write objectives like 'ttft_p99<=2s,error_rate<=1%'`);
  return problems.length ? { problems } : { slos };
}

function parseOne(text: string): Slo | string {
  const m = FORM.exec(text.toLowerCase());
  if (!m) return `not '<metric><op><value>'; operators are ${OPERATORS}, e.g. 'ttft_p99<=2s'`;
  const [, name, op, num, unit] = m;
  const metric = METRICS.get(name);
  if (!metric) return `unknown metric '${name}'; use ${METRICS_HELP}`;
  const threshold = convert(metric, Number(num), unit);
  if (typeof threshold === 'string') return threshold;
  return { text, metric, op: op as Comparison, threshold, unit };
}

/** The threshold in the summary's unit for this metric, or why the unit does not fit. */
function convert(metric: MetricDef, value: number, unit: string): number | string {
  const t = metric.type;
  if (t.kind === 'time') {
    if (!(unit in TIME_UNITS)) return `${metric.name} is a time: give a unit (s, ms or us), e.g. ${metric.name}<=${t.unit === 's' ? '2s' : '40ms'}`;
    return rescale(value, unit, t.unit);
  }
  if (t.kind === 'ratio') {
    if (unit === '%') return value / 100;
    if (unit === '' && value >= 0 && value <= 1) return value;
    return `${metric.name} is a fraction: write a percentage (1%) or a fraction between 0 and 1 (0.01)`;
  }
  if (unit !== '') return `${metric.name} is a plain number: write it without a unit, e.g. ${metric.name}>=500`;
  return value;
}

/** A value of `slo`'s metric (in the summary's unit) in the unit the objective was written in. */
export function inWrittenUnit(slo: Slo, value: number): number {
  const t = slo.metric.type;
  if (t.kind === 'time') return rescale(value, t.unit, slo.unit);
  if (t.kind === 'ratio' && slo.unit === '%') return value * 100;
  return value;
}
