/**
 * One CSV line of values exactly as csv-stringify writes it with its default options (the format of the
 * run folder's other files): null, undefined and false empty, true as 1, numbers as JavaScript prints them,
 * a text quoted (its quotes doubled) only when it holds a comma, a quote or a line break. requests.csv is
 * written row by row as records arrive; csv-stringify cost ~15-20 us a row there, this ~4 us (bench/README).
 */
export function csvLine(values: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ',';
    line += csvField(values[i]);
  }
  return `${line}\n`;
}

function csvField(v: unknown): string {
  if (v === null || v === undefined || v === false) return '';
  if (v === true) return '1';
  const s = String(v);
  return needsQuotes(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function needsQuotes(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 44 || c === 34 || c === 10 || c === 13) return true;
  }
  return false;
}
