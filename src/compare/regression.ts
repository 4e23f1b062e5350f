import { COMPARE_METRICS, COMPARE_PERCENTILES, type RunComparison } from './compare-runs.js';

/**
 * --fail-on-regression 'ttft_p99>10%,itl_p50>5ms,output_tps_p50<-10%': a rule is broken when the
 * candidate's change against the baseline is significant (its interval excludes 0) and its estimate
 * lies beyond the threshold in the rule's direction: relative with %, else absolute in the metric's unit
 * (a time with s/ms/us). Any broken rule makes `compare` exit 3, as a failed SLO does.
 */
export interface RegressionRule {
  text: string;
  name: string;
  op: '>' | '<';
  /** Relative (fraction) when `relative`, else in the metric's stored unit. */
  threshold: number;
  relative: boolean;
}

export interface RuleBreach {
  rule: string;
  candidate: string;
  change: string;
}

const FORM = /^([a-z0-9_]+)(>|<)(-?\d+(?:\.\d+)?)(%|s|ms|us)?$/;
const TIME_SCALE: Record<string, Record<string, number>> = { s: { s: 1, ms: 1e-3, us: 1e-6 }, ms: { s: 1e3, ms: 1, us: 1e-3 } };

export const REGRESSION_NAMES = COMPARE_METRICS.flatMap((m) => COMPARE_PERCENTILES.map((p) => `${m.base}_p${p}`));

export function parseRegressionRules(input: string, source = '--fail-on-regression'): { rules: RegressionRule[] } | { problems: string[] } {
  const items = input.split(',').map((s) => s.replace(/\s+/g, '').toLowerCase()).filter(Boolean);
  const problems: string[] = [];
  const rules: RegressionRule[] = [];
  for (const text of items) {
    const r = parseRule(text);
    if (typeof r === 'string') problems.push(`${source}: '${text}': ${r}`);
    else rules.push(r);
  }
  if (!items.length) problems.push(`${source}: empty; write rules like 'ttft_p99>10%,itl_p50>5ms'`);
  return problems.length ? { problems } : { rules };
}

function parseRule(text: string): RegressionRule | string {
  const m = FORM.exec(text);
  if (!m) return "not '<metric><op><value>'; e.g. 'ttft_p99>10%' (a rise of more than 10 %) or 'output_tps_p50<-10%'";
  const [, name, op, num, unit = ''] = m;
  if (!REGRESSION_NAMES.includes(name)) return `unknown metric '${name}'; use one of ${REGRESSION_NAMES.join(', ')}`;
  if (unit === '%') return { text, name, op: op as '>' | '<', threshold: Number(num) / 100, relative: true };
  const metric = COMPARE_METRICS.find((c) => name.startsWith(`${c.base}_p`))!;
  if (metric.unit === 'tokens/s') return unit === '' ? { text, name, op: op as '>' | '<', threshold: Number(num), relative: false } : `${name} is in tokens/s: write a plain number or a percentage`;
  if (unit === '') return `${name} is a time: give a unit (s, ms or us) or a percentage`;
  return { text, name, op: op as '>' | '<', threshold: Number(num) * TIME_SCALE[metric.unit][unit], relative: false };
}

/** Every (rule, candidate) pair whose significant change crosses the rule's threshold. */
export function breaches(rules: readonly RegressionRule[], comparisons: readonly RunComparison[]): RuleBreach[] {
  const out: RuleBreach[] = [];
  for (const c of comparisons) {
    for (const rule of rules) {
      const ch = c.changes.find((x) => x.name === rule.name);
      if (!ch || !ch.significant) continue;
      const v = rule.relative ? ch.relative?.estimate : ch.difference?.estimate;
      if (v === undefined || v === null) continue;
      if (rule.op === '>' ? v > rule.threshold : v < rule.threshold) {
        out.push({ rule: rule.text, candidate: c.candidate, change: rule.relative ? `${(v * 100).toFixed(1)} %` : `${v.toPrecision(4)} ${ch.unit}` });
      }
    }
  }
  return out;
}
