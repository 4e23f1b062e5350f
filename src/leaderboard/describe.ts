import type { RunSummary } from '../metrics/summary.js';
import { effectiveLoad, type SavedRun } from '../results/read-runs.js';
import { synthesizerPacer } from '../schedule/pacer.js';
import { count, durationWords } from './format.js';

/** A number as written in words: up to 4 significant digits, no trailing zeros. */
function num(v: unknown): string {
  return typeof v === 'number' ? String(Number(v.toPrecision(4))) : String(v);
}

interface Ramp {
  start_rate?: number;
  stages?: { rate: number; duration_s: number }[];
}

/** How arrivals came, in words: `10 req/s, evenly spaced, for 2 min`, `5 in flight (closed loop), 150 requests`. */
export function arrivalWords(s: RunSummary, withRate = true): string {
  const w = effectiveLoad(s);
  if (w.mode === 'closed') {
    const n = w.max_requests === undefined ? '' : `, ${count(Number(w.max_requests))} requests`;
    const t = w.timeout_s === undefined ? '' : ` within ${durationWords(Number(w.timeout_s))}`;
    return `${withRate ? `${num(w.concurrency)} in flight` : 'a fixed number in flight'} (closed loop)${n}${t}`;
  }
  if (w.arrival === 'ramp' && w.ramp) {
    const r = w.ramp as Ramp;
    const stages = r.stages ?? [];
    const total = stages.reduce((a, st) => a + st.duration_s, 0);
    return `rate ramped ${[r.start_rate ?? 0, ...stages.map((st) => st.rate)].map(num).join(' → ')} req/s over ${durationWords(total)}`;
  }
  const how = arrivalModel(String(w.arrival ?? s.run.arrival), Number(w.burstiness ?? 1), Number(w.rate ?? s.run.rate));
  const duration = Number(w.duration_s ?? s.run.duration_s);
  return `${withRate ? `${num(w.rate ?? s.run.rate)} req/s, ` : ''}${how}, for ${durationWords(duration)}`;
}

function arrivalModel(arrival: string, burstiness: number, rate: number): string {
  if (arrival === 'constant') return 'evenly spaced';
  if (arrival === 'synthesizer') return `the seed's synthesizer: 1 at t = 0, then ${num(rate)} together at each whole second`;
  if (arrival === 'poisson') return burstiness === 1 ? 'Poisson arrivals' : `gamma-distributed gaps (burstiness ${num(burstiness)})`;
  if (arrival === 'burst') return 'sent together at each whole second';
  return `${arrival} arrivals`;
}

/** Mean prompt and answer tokens as measured over every completed request of the runs (server usage, else counted). */
export function measuredTokens(runs: readonly SavedRun[]): { input: number; output: number } | null {
  let n = 0;
  let input = 0;
  let output = 0;
  for (const r of runs) {
    const m = r.summary.metrics;
    const c = m.output_tokens.count;
    if (!c) continue;
    n += c;
    input += (m.input_tokens.mean ?? 0) * m.input_tokens.count;
    output += (m.output_tokens.mean ?? 0) * c;
  }
  return n ? { input: input / n, output: output / n } : null;
}

function tokenWords(runs: readonly SavedRun[]): string {
  const t = measuredTokens(runs);
  const asked = runs[0].summary.run.max_tokens;
  return t ? `~${count(t.input)} tokens in, ~${count(t.output)} out` : `up to ${count(asked)} tokens out asked, none measured`;
}

function streamWords(s: RunSummary): string {
  return effectiveLoad(s).stream === false ? 'not streamed' : 'streamed';
}

/**
 * A group's workload in words, generated from the runs themselves: arrivals, measured tokens, streaming
 * and API, e.g. `10 req/s, evenly spaced, for 2 min · ~25 tokens in, ~150 out · streamed · openai-chat API`.
 */
export function loadWords(runs: readonly SavedRun[], withRate = true): string {
  const s = runs[0].summary;
  return [arrivalWords(s, withRate), tokenWords(runs), streamWords(s), `${String(effectiveLoad(s).api)} API`].join(' · ');
}

/** The seed's sentence about its workload, told of what ran: one sentence per group of runs. */
export function workloadSentence(runs: readonly SavedRun[]): string {
  const s = runs[0].summary;
  const w = effectiveLoad(s);
  const t = measuredTokens(runs);
  const measured = t ? `; the prompts averaged ${count(t.input)} tokens and the answers ${count(t.output)} (measured)` : '';
  const asked = `asking for at most ${count(s.run.max_tokens)} output tokens each`;
  const how = `${streamWords(s)}, through the ${String(w.api)} API`;
  if (w.mode === 'closed') return `We keep ${arrivalWords(s)} against each endpoint, ${asked}${measured}; ${how}.`;
  if (w.arrival === 'ramp') return `We send requests to each endpoint at a ${arrivalWords(s).replace(/^rate /, '')}, ${asked}${measured}; ${how}.`;
  const rate = Number(w.rate ?? s.run.rate);
  const duration = Number(w.duration_s ?? s.run.duration_s);
  const requests = w.arrival === 'synthesizer' ? (synthesizerPacer(rate, duration * 1000).total ?? 0) : rate * duration;
  return `We send ${num(rate)} requests per second to each endpoint (${arrivalModel(String(w.arrival), Number(w.burstiness ?? 1), rate)}) ` +
    `and keep sending for ${durationWords(duration)}, ${count(requests)} requests per endpoint, ${asked}${measured}; ${how}.`;
}
