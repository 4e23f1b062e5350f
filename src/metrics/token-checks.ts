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
type Checked = Pick<RequestRecord, 'output_tokens' | 'output_tokens_source' | 'input_tokens' | 'requested_output_tokens' | 'input_tokens_client' | 'output_tokens_client'>;

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

export interface TokenCheckSummary {
  short_output: { count: number; completed: number; finish_reasons: Record<string, number> };
  agreement: { output: AgreementStats; input: AgreementStats };
}

/** Folds completed requests into both checks. */
export class TokenChecks {
  readonly output = new Agreement();
  readonly input = new Agreement();
  #completed = 0;
  #short = 0;
  readonly #reasons: Record<string, number> = {};

  add(r: Checked & Pick<RequestRecord, 'finish_reason'>): void {
    this.#completed++;
    if (isShortOutput(r)) {
      this.#short++;
      const why = r.finish_reason ?? 'none';
      this.#reasons[why] = (this.#reasons[why] ?? 0) + 1;
    }
    // only the server's own count is compared: a chunk count is not a token count
    this.output.add(r.output_tokens_source === 'usage' ? relativeDiscrepancy(r.output_tokens, r.output_tokens_client) : null);
    this.input.add(relativeDiscrepancy(r.input_tokens, r.input_tokens_client));
  }

  summary(): TokenCheckSummary {
    return {
      short_output: { count: this.#short, completed: this.#completed, finish_reasons: { ...this.#reasons } },
      agreement: { output: this.output.stats(), input: this.input.stats() },
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
