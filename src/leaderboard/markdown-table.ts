export type Align = 'left' | 'right';

/**
 * A Markdown table padded to column width (the shape of LLMPerf's leaderboard, written by pandas'
 * `to_markdown`): text left-aligned, numbers right-aligned, readable as plain text too.
 */
export function markdownTable(header: readonly string[], align: readonly Align[], rows: readonly (readonly string[])[]): string {
  const cells = [header, ...rows].map((r) => r.map(escapeCell));
  const width = header.map((_, c) => Math.max(3, ...cells.map((r) => r[c].length)));
  const pad = (s: string, c: number) => (align[c] === 'right' ? s.padStart(width[c]) : s.padEnd(width[c]));
  const line = (r: readonly string[]) => `| ${r.map(pad).join(' | ')} |`;
  const rule = `|${width.map((w, c) => (align[c] === 'right' ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
