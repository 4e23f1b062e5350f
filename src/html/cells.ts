import { esc } from './document.js';

/** How a summary figure is shown: its decimals and unit suffix. */
export type CellUnit = 's' | 'ms' | 'count' | 'ratio' | 'per_s' | 'tokens_per_s' | 'fraction_pct' | 'mb';

const DIGITS: Record<CellUnit, number> = { s: 3, ms: 2, count: 0, ratio: 2, per_s: 2, tokens_per_s: 1, fraction_pct: 1, mb: 1 };

/** The text a cell shows for a summary value ('—' for none). Ratios and fractions are shown in %. */
export function formatCell(v: unknown, unit: CellUnit): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  const shown = unit === 'ratio' || unit === 'fraction_pct' ? v * 100 : v;
  return `${shown.toFixed(DIGITS[unit])}${unit === 'ratio' || unit === 'fraction_pct' ? ' %' : ''}`;
}

/** The value at a dotted path of a JSON object (undefined when any step is missing). */
export function valueAt(obj: unknown, path: string): unknown {
  let v: any = obj;
  for (const k of path.split('.')) v = v !== null && typeof v === 'object' ? v[k] : undefined;
  return v;
}

/**
 * A table cell bound to a summary.json path: `data-key` names the path, `data-value` holds the exact
 * value, the text is `formatCell` of it (what the browser test checks against summary.json).
 */
export function cell(summary: unknown, key: string, unit: CellUnit, lowSample = false): string {
  const v = valueAt(summary, key);
  const raw = typeof v === 'number' ? String(v) : 'null';
  return `<td data-key="${esc(key)}" data-unit="${unit}" data-value="${raw}"${lowSample ? ' class="low" title="quantile from too few samples"' : ''}>${esc(formatCell(v, unit))}${lowSample ? '*' : ''}</td>`;
}
