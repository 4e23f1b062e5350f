import type { SavedRun } from '../results/read-runs.js';
import { count } from './format.js';

/** LLMPerf's leaderboard ran 150 requests per endpoint: fewer, and a row is marked. */
export const MIN_REQUESTS = 150;

/** A caveat of a run, shown as `[K]` beside its name in every table, explained under the table. */
export type MarkKind = 'G' | 'S' | 'L' | 'T' | 'O' | 'W';

export interface Mark {
  kind: MarkKind;
  /** This run's own words for it (its warning line, its count). */
  detail: string;
}

/** What each mark means, in the order marks are printed. */
export const MARK_MEANING: Record<MarkKind, string> = {
  G: 'the load generator could not keep up (behind schedule, saturated or dropping arrivals): its figures include client delay',
  S: 'not streamed: each answer arrived whole, so TTFT = E2E, TPOT = E2E / output tokens, and ITL has no samples',
  L: 'fewer completed requests than a leaderboard row needs (--min-requests): the intervals are wide and high quantiles rough',
  T: "the server's token counts and the client tokenizer's disagree",
  O: 'answers ended well short of the requested length: per-token figures cover fewer tokens than asked',
  W: 'another warning of the run',
};
const ORDER = Object.keys(MARK_MEANING) as MarkKind[];

/** Which warning line of summary.json is which mark. */
function kindOf(warning: string): MarkKind {
  if (warning.startsWith('GENERATOR')) return 'G';
  if (warning.startsWith('TOKEN COUNTS DISAGREE')) return 'T';
  if (warning.startsWith('OUTPUT SHORT')) return 'O';
  return 'W';
}

/** Every caveat of a run: its summary's warnings, streaming, and a completed count under `minRequests`. */
export function runMarks(run: SavedRun, minRequests: number): Mark[] {
  const s = run.summary;
  const marks: Mark[] = (s.warnings ?? []).map((w) => ({ kind: kindOf(w), detail: w }));
  if (s.run.stream === false) marks.push({ kind: 'S', detail: '--no-stream' });
  if (s.requests.completed < minRequests) marks.push({ kind: 'L', detail: `${count(s.requests.completed)} completed requests < ${minRequests}` });
  return marks.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
}

/** ` [G][L]` after a row's name; empty when the run has no caveat. */
export function markSuffix(marks: readonly Mark[]): string {
  const kinds = ORDER.filter((k) => marks.some((m) => m.kind === k));
  return kinds.length ? ` ${kinds.map((k) => `[${k}]`).join('')}` : '';
}

/**
 * The footnotes of the marks a table shows: what each means and which rows have it; with `details`,
 * each run's own words (its warning lines), else only the names (the success-rate table has the words).
 */
export function markNotes(rows: readonly { label: string; marks: readonly Mark[] }[], details: boolean): string[] {
  return ORDER.flatMap((kind) => {
    const who = rows.flatMap((r) => {
      const mine = r.marks.filter((m) => m.kind === kind);
      return mine.length ? [details ? `${r.label}: ${mine.map((m) => m.detail).join('; ')}` : r.label] : [];
    });
    return who.length ? [`[${kind}] ${MARK_MEANING[kind]}: ${[...new Set(who)].join(details ? '. ' : ', ')}.`] : [];
  });
}
