import type { RequestRecord } from './record.js';

/**
 * Two checks that the token counts behind every per-token figure mean what they seem to:
 * the server stopped where it was asked to, and its `usage` agrees with the client's tokenizer.
 */

/** A request is short when it ended more than min(5 % of the asked length, 50 tokens) before it. */
export const SHORT_OUTPUT = { fraction: 0.05, tokens: 50 };
/** A count is off when it differs from the other by more than 10 % of the server's. */
export const DISAGREE_FRACTION = 0.1;
/** The summary warns when more than this share of the compared requests is off. */
export const DISAGREE_WARN_SHARE = 0.1;

/** What the checks read of a record; the `_client` counts are the client tokenizer's (null without one). */
type Checked = Pick<RequestRecord, 'output_tokens' | 'output_tokens_source' | 'input_tokens' | 'requested_output_tokens' | 'input_tokens_client' | 'output_tokens_client'> &
  Partial<Pick<RequestRecord, 'output_tokens_client_estimated'>>;

export function isShortOutput(r: Pick<RequestRecord, 'output_tokens' | 'requested_output_tokens'>): boolean {
  const asked = r.requested_output_tokens;
  return asked > 0 && asked - r.output_tokens > Math.min(SHORT_OUTPUT.fraction * asked, SHORT_OUTPUT.tokens);
}

/** |client - server| / server, or null when either count is missing. */
export function relativeDiscrepancy(server: number | null | undefined, client: number | null | undefined): number | null {
  if (server === null || server === undefined || client === null || client === undefined || server <= 0) return null;
  return Math.abs(client - server) / server;
}

export interface AgreementStats {
  /** Requests where both counts exist. */
  compared: number;
  mean_rel_diff: number | null;
  /** Requests whose counts differ by more than 10 % of the server's. */
  over_10pct: number;
}

/** Running tally of one count's agreement (output or input). */
export class Agreement {
  #n = 0;
  #sum = 0;
  #off = 0;

  add(rel: number | null): void {
    if (rel === null) return;
    this.#n++;
    this.#sum += rel;
    if (rel > DISAGREE_FRACTION) this.#off++;
  }

  stats(): AgreementStats {
    return { compared: this.#n, mean_rel_diff: this.#n ? this.#sum / this.#n : null, over_10pct: this.#off };
  }
}

/** A server that wraps every prompt in a chat template counts the same few tokens more on every request. */
export const OFFSET_SHARE = 0.95;
/** Distinct differences tracked; a count spread wider than this is no constant offset anyway. */
const MAX_OFFSETS = 64;

export interface TokenCheckSummary {
  short_output: { count: number; completed: number; finish_reasons: Record<string, number> };
  agreement: { output: AgreementStats; input: AgreementStats };
  /**
   * Server input count - client input count when it is the same non-zero number on at least 95 % of the
   * compared requests (the chat template and special tokens the server adds around each prompt);
   * null otherwise. Absent before schema 3.
   */
  input_offset?: { tokens: number; requests: number; compared: number } | null;
}

/** Folds completed requests into both checks. */
export class TokenChecks {
  readonly output = new Agreement();
  readonly input = new Agreement();
  #completed = 0;
  #short = 0;
  readonly #reasons: Record<string, number> = {};
  /** Requests by server - client input count, while the differences stay few. */
  readonly #offsets = new Map<number, number>();
  #inputCompared = 0;

  add(r: Checked & Pick<RequestRecord, 'finish_reason'>): void {
    this.#completed++;
    if (isShortOutput(r)) {
      this.#short++;
      const why = r.finish_reason ?? 'none';
      this.#reasons[why] = (this.#reasons[why] ?? 0) + 1;
    }
    // only the server's own count is compared: a chunk count is not a token count, nor an estimate one
    const exact = r.output_tokens_source === 'usage' && !r.output_tokens_client_estimated;
    this.output.add(exact ? relativeDiscrepancy(r.output_tokens, r.output_tokens_client) : null);
    const rel = relativeDiscrepancy(r.input_tokens, r.input_tokens_client);
    if (rel === null) return;
    this.#inputCompared++;
    const d = r.input_tokens! - r.input_tokens_client!;
    if (this.#offsets.has(d) || this.#offsets.size < MAX_OFFSETS) this.#offsets.set(d, (this.#offsets.get(d) ?? 0) + 1);
    // judged after the offset, so a template's constant overhead is not read as disagreement
    this.input.add(relativeDiscrepancy(r.input_tokens, r.input_tokens_client! + this.#offset()));
  }

  /** The difference most requests share so far, when it is a constant offset (else 0). */
  #offset(): number {
    const o = this.#inputOffset();
    return o ? o.tokens : 0;
  }

  #inputOffset(): TokenCheckSummary['input_offset'] {
    let best: [number, number] | null = null;
    for (const e of this.#offsets) if (!best || e[1] > best[1]) best = e;
    if (!best || best[0] === 0 || best[1] < OFFSET_SHARE * this.#inputCompared) return null;
    return { tokens: best[0], requests: best[1], compared: this.#inputCompared };
  }

  summary(): TokenCheckSummary {
    return {
      short_output: { count: this.#short, completed: this.#completed, finish_reasons: { ...this.#reasons } },
      agreement: { output: this.output.stats(), input: this.input.stats() },
      input_offset: this.#inputOffset(),
    };
  }
}

/** The warnings the checks raise, one line each, at most one per check. */
export function tokenCheckWarnings(s: TokenCheckSummary): string[] {
  const out: string[] = [];
  const short = s.short_output;
  if (short.count > 0) {
    const why = Object.entries(short.finish_reasons).map(([k, n]) => `${k} ${n}`).join(', ');
    out.push(
      `OUTPUT SHORT: ${short.count} of ${short.completed} completed requests ended more than min(5%, 50 tokens) before the requested length ` +
        `(finish_reason: ${why}); per-token figures cover fewer tokens than asked (ask the server to ignore EOS, e.g. vLLM ignore_eos)`,
    );
  }
  for (const [name, a] of Object.entries(s.agreement)) {
    if (a.compared > 0 && a.over_10pct > DISAGREE_WARN_SHARE * a.compared) {
      out.push(
        `TOKEN COUNTS DISAGREE (${name}): ${a.over_10pct} of ${a.compared} requests differ by more than 10% between the server's usage and the client tokenizer ` +
          `(mean ${(a.mean_rel_diff! * 100).toFixed(1)}%); check the tokenizer or the server's usage reporting`,
      );
    }
  }
  return out;
}

/** What the checks found that explains the figures rather than questions them: said once, in plain words. */
export function tokenCheckNotes(s: TokenCheckSummary): string[] {
  const o = s.input_offset;
  if (!o) return [];
  const more = o.tokens > 0 ? `${o.tokens} more` : `${-o.tokens} fewer`;
  return [
    `The server counts ${more} prompt tokens per request than the client tokenizer, the same on ${o.requests} of ${o.compared} requests: ` +
      `the chat template and special tokens it wraps each prompt in. Input counts agree once that is allowed for; give --chat-template (with --tokenizer PATH) to count it exactly.`,
  ];
}
