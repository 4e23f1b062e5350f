/**
 * The Prometheus text exposition format (0.0.4, and the OpenMetrics text that servers send in its place):
 * text -> samples. Written here rather than taken from npm: the one parser there
 * (parse-prometheus-text-format 1.1.1, unchanged since 2019) drops the last sample when the body does
 * not end in a newline and takes an HTML error page for a metric named "hello" with value "world".
 *
 * A scrape body is hostile input: every line is checked on its own, a bad line is skipped and counted
 * (never thrown), lines longer than `maxLineChars` and samples beyond `maxSamples` are dropped, and
 * nothing here allocates more than the body's own size.
 */

export interface PromSample {
  /** Full sample name, suffix included (`_bucket`, `_sum`, `_count`, `_total`). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export type PromType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped' | 'gaugehistogram' | 'info' | 'stateset' | 'unknown';

export interface PromParse {
  samples: PromSample[];
  /** `# TYPE` declarations by family name. */
  types: Map<string, PromType>;
  /** Lines that were neither a comment, a blank nor a valid sample. */
  invalidLines: number;
  /** The first invalid line's problem, for the log (the line itself is never echoed: it is the server's). */
  firstProblem: string | null;
  /** Samples beyond `maxSamples`, not kept. */
  droppedSamples: number;
}

export interface PromLimits {
  maxSamples: number;
  maxLineChars: number;
  /** Reading stops after this many bad lines: a page that far from the format is not worth the main thread's time. */
  maxInvalidLines: number;
}

export const PROM_LIMITS: PromLimits = { maxSamples: 100_000, maxLineChars: 64 * 1024, maxInvalidLines: 1000 };

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<PromType>(['counter', 'gauge', 'histogram', 'summary', 'untyped', 'gaugehistogram', 'info', 'stateset', 'unknown']);

export function parsePromText(text: string, limits: PromLimits = PROM_LIMITS): PromParse {
  const out: PromParse = { samples: [], types: new Map(), invalidLines: 0, firstProblem: null, droppedSamples: 0 };
  const bad = (lineNo: number, why: string) => {
    out.invalidLines++;
    out.firstProblem ??= `line ${lineNo}: ${why}`;
  };
  let lineNo = 0;
  for (let start = 0; start < text.length && out.invalidLines < limits.maxInvalidLines; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNo++;
    const raw = text.slice(start, end);
    start = end + 1;
    if (raw.length > limits.maxLineChars) {
      bad(lineNo, `longer than ${limits.maxLineChars} characters`);
      continue;
    }
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      readComment(line, out.types);
      continue;
    }
    const s = parseSampleLine(line);
    if (typeof s === 'string') {
      bad(lineNo, s);
      continue;
    }
    if (out.samples.length >= limits.maxSamples) {
      out.droppedSamples++;
      continue;
    }
    out.samples.push(s);
  }
  return out;
}

/** `# TYPE name type` is kept; HELP, `# EOF` and free comments are skipped. */
function readComment(line: string, types: Map<string, PromType>): void {
  const m = /^#\s+TYPE\s+(\S+)\s+(\S+)\s*$/.exec(line);
  if (!m || !NAME.test(m[1])) return;
  const t = m[2].toLowerCase() as PromType;
  if (TYPES.has(t)) types.set(m[1], t);
}

/** One sample line: `name{labels} value [timestamp] [# exemplar]`; a string says what is wrong with it. */
export function parseSampleLine(line: string): PromSample | string {
  let i = 0;
  const n = line.length;
  while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
  const nameStart = i;
  while (i < n && line[i] !== '{' && line[i] !== ' ' && line[i] !== '\t') i++;
  const name = line.slice(nameStart, i);
  if (!NAME.test(name)) return 'not a metric name';
  let labels: Record<string, string> = {};
  if (line[i] === '{') {
    const l = parseLabels(line, i + 1);
    if (typeof l === 'string') return l;
    labels = l.labels;
    i = l.end;
  }
  const rest = line.slice(i).trim();
  const hash = rest.indexOf(' #');
  const fields = (hash === -1 ? rest : rest.slice(0, hash)).split(/[ \t]+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === '') return 'expected a value and at most a timestamp';
  const value = parseValue(fields[0]);
  if (value === null) return 'the value is not a number';
  if (fields.length === 2 && parseValue(fields[1]) === null) return 'the timestamp is not a number';
  return { name, labels, value };
}

/** Labels from just after `{` to just after `}`. */
function parseLabels(line: string, from: number): { labels: Record<string, string>; end: number } | string {
  const labels: Record<string, string> = Object.create(null);
  let i = from;
  const n = line.length;
  const skipSpace = () => {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
  };
  for (;;) {
    skipSpace();
    if (line[i] === '}') return { labels: { ...labels }, end: i + 1 };
    const ns = i;
    while (i < n && line[i] !== '=' && line[i] !== ' ' && line[i] !== '\t' && line[i] !== '}' && line[i] !== ',') i++;
    const key = line.slice(ns, i);
    if (!LABEL_NAME.test(key)) return 'a label name is not valid';
    skipSpace();
    if (line[i] !== '=') return `label '${key}' has no '='`;
    i++;
    skipSpace();
    if (line[i] !== '"') return `label '${key}' has no quoted value`;
    i++;
    let value = '';
    for (;;) {
      if (i >= n) return `label '${key}' is not closed`;
      const c = line[i];
      if (c === '"') break;
      if (c === '\\') {
        const e = line[i + 1];
        value += e === 'n' ? '\n' : e === '"' || e === '\\' ? e : `\\${e ?? ''}`;
        i += 2;
        continue;
      }
      const q = nextSpecial(line, i);
      value += line.slice(i, q);
      i = q;
    }
    i++;
    if (key in labels) return `label '${key}' appears twice`;
    labels[key] = value;
    skipSpace();
    if (line[i] === ',') i++;
    else if (line[i] !== '}') return 'expected , or } after a label';
  }
}

/** Index of the next quote or backslash from `i` (or the end): plain runs are copied in one slice. */
function nextSpecial(line: string, i: number): number {
  let j = i;
  while (j < line.length && line[j] !== '"' && line[j] !== '\\') j++;
  return j;
}

/** Go's ParseFloat spellings the format allows: decimals, exponents, NaN, +Inf, -Inf (any case). */
function parseValue(s: string): number | null {
  const lower = s.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return null;
  return Number(s);
}

/** `{a="x",b="y"}` with keys sorted and values escaped as the format escapes them ('' for no labels). */
export function formatLabels(labels: Record<string, string>, omit: readonly string[] = []): string {
  const keys = Object.keys(labels).filter((k) => !omit.includes(k)).sort();
  if (!keys.length) return '';
  return `{${keys.map((k) => `${k}="${labels[k].replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`).join(',')}}`;
}
