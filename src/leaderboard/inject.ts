export const START_MARKER = '<!-- leaderboard:start -->';
export const END_MARKER = '<!-- leaderboard:end -->';

interface Line {
  /** 1-based, as an editor shows it. */
  number: number;
  /** Without its line ending. */
  text: string;
  eol: string;
  /** Inside a fenced code block (its fences included). */
  fenced: boolean;
}

/** A fence opens or closes a code block: 3+ backticks or tildes, indented at most 3 spaces (CommonMark). */
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** Splits a document into lines, keeping each line ending and marking the lines of fenced code blocks. */
function lines(document: string): Line[] {
  const out: Line[] = [];
  let open: { char: string; length: number } | null = null;
  const parts = document.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  parts.forEach((part, i) => {
    const eol = part.endsWith('\r\n') ? '\r\n' : part.endsWith('\n') ? '\n' : '';
    const text = part.slice(0, part.length - eol.length);
    const fence = FENCE.exec(text);
    const wasOpen = open !== null;
    if (fence && !open && !(fence[1][0] === '`' && fence[2].includes('`'))) open = { char: fence[1][0], length: fence[1].length };
    else if (fence && open && fence[1][0] === open.char && fence[1].length >= open.length && !fence[2].trim()) open = null;
    out.push({ number: i + 1, text, eol, fenced: wasOpen || open !== null });
  });
  return out;
}

/** A marker stands alone: the whole line, indented at most 3 spaces (else it is an indented code block). */
function standsAlone(l: Line, marker: string): boolean {
  return !l.fenced && new RegExp(`^ {0,3}${marker}[ \\t]*$`).test(l.text);
}

/** Where a marker's text also appears but does not count, and why. */
function ignored(all: readonly Line[], marker: string): string[] {
  return all.filter((l) => l.text.includes(marker) && !standsAlone(l, marker)).map((l) => `line ${l.number} (${l.fenced ? 'inside a fenced code block' : 'not alone on its line'})`);
}

function lineList(ls: readonly Line[]): string {
  return ls.map((l) => l.number).join(', ');
}

/**
 * Replaces only what lies between the one pair of markers standing alone on their own lines outside
 * fenced code (the markers stay); every other byte is kept as it was, and the new text takes the line
 * ending of the start marker's line, so a CRLF file stays CRLF. Markers quoted in inline code or in a
 * code block are text, not markers. Returns why not when there is not exactly one ordered pair.
 */
export function injectBetweenMarkers(document: string, content: string): { text: string } | { problem: string } {
  const all = lines(document);
  const starts = all.filter((l) => standsAlone(l, START_MARKER));
  const ends = all.filter((l) => standsAlone(l, END_MARKER));
  const problems: string[] = [];
  for (const [marker, found] of [[START_MARKER, starts], [END_MARKER, ends]] as const) {
    if (found.length === 0) {
      const skipped = ignored(all, marker);
      problems.push(`has no line holding only ${marker} outside code${skipped.length ? ` (ignored: ${skipped.join(', ')})` : ''}`);
    } else if (found.length > 1) {
      problems.push(`has ${found.length} lines holding only ${marker} (lines ${lineList(found)})`);
    }
  }
  if (problems.length) return { problem: `${problems.join('; ')}; keep exactly one pair of marker lines, outside code blocks, where the leaderboard goes` };
  const [start, end] = [starts[0], ends[0]];
  if (end.number < start.number) return { problem: `has ${END_MARKER} (line ${end.number}) before ${START_MARKER} (line ${start.number}); put the start marker first` };
  const eol = start.eol || '\n';
  const join = (ls: readonly Line[]) => ls.map((l) => l.text + l.eol).join('');
  const body = content.replace(/\n+$/, '').replace(/\r?\n/g, eol);
  return { text: `${join(all.slice(0, start.number))}${body}${eol}${join(all.slice(end.number - 1))}` };
}
