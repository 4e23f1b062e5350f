/**
 * A figure as printed: `digits` decimals, but at least two significant figures below 1, so a fast
 * endpoint's 0.048 s is not rounded to 0.05 (or a slow one's 0.4 tokens/s to 0).
 */
export function formatValue(v: number, digits: number): string {
  const abs = Math.abs(v);
  if (abs === 0 || abs >= 1 || !Number.isFinite(v)) return v.toFixed(digits);
  return v.toFixed(Math.min(20, Math.max(digits, 1 - Math.floor(Math.log10(abs)))));
}

/** The UTC minute of an instant: `2026-11-23 12:57 UTC`. */
export function utcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Seconds in words: `2 min` for whole minutes from 2 on, else `90 s`, `2.5 s`. */
export function durationWords(s: number): string {
  return s >= 120 && s % 60 === 0 ? `${s / 60} min` : `${Number(s.toPrecision(6))} s`;
}

/** A count with thousands separators, the same on every machine (no locale). */
export function count(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
