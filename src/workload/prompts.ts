import { seededRandom } from '../schedule/random.js';
import type { Tokenizer } from '../tokenize/tokenizers.js';

/** Token counts drawn per request: normal(mean, stddev), rounded, clipped at >= 1 (LLMPerf). */
export interface LengthSpec {
  mean: number;
  stddev: number;
}

export interface SynthPrompt {
  prompt: string;
  /** Exactly the prompt's token count under the tokenizer. */
  inputTokens: number;
}

/** Request i's own random stream: the same prompts and lengths whatever the worker count or stripe. */
export function requestRandom(seed: number, index: number): () => number {
  return seededRandom(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
}

export function sampleLength(rand: () => number, l: LengthSpec): number {
  if (l.stddev === 0) return Math.max(1, Math.round(l.mean));
  const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return Math.max(1, Math.round(l.mean + l.stddev * z));
}

/**
 * Prompts of an exact token count, built as LLMPerf does: a prefix unique to the request (so no two
 * prompts share a cached prefix), then corpus lines from a random start until the count is passed, then
 * cut to the count by tokens. Tokenizers are not additive (a cut can re-merge into other tokens), so the
 * cut is re-encoded and adjusted character by character until the count is exact.
 */
export class PromptSynthesizer {
  readonly #tok: Tokenizer;
  readonly #lines: string[];
  readonly #lineTokens: number[];

  constructor(tok: Tokenizer, lines: string[]) {
    this.#tok = tok;
    this.#lines = lines;
    this.#lineTokens = lines.map((l) => tok.encode(`${l}\n`).length);
  }

  make(index: number, tokens: number, rand: () => number): SynthPrompt {
    const start = Math.floor(rand() * this.#lines.length);
    // a few spaces more in the prefix shift where the cut falls; a prompt of a token or two may have
    // no room for the unique prefix at all, and is then corpus text alone
    const prefixes = [...Array.from({ length: 8 }, (_, v) => `${index}${' '.repeat(v)} Continue these lines of verse:\n`), ''];
    for (const prefix of prefixes) {
      const exact = this.#cut(this.#draft(prefix, start, tokens), tokens);
      if (exact !== null) return { prompt: exact, inputTokens: tokens };
    }
    const text = this.#draft(prefixes[0], start, tokens);
    return { prompt: text, inputTokens: this.#tok.encode(text).length };
  }

  #draft(prefix: string, start: number, tokens: number): string {
    let text = prefix;
    let have = text ? this.#tok.encode(text).length : 0;
    for (let i = start; have <= tokens + 2; i = (i + 1) % this.#lines.length) {
      text += `${this.#lines[i]}\n`;
      have += this.#lineTokens[i];
    }
    return text;
  }

  /** The prefix of `text` holding exactly `tokens` tokens, or null when no prefix does. */
  #cut(text: string, tokens: number): string | null {
    const ids = this.#tok.encode(text);
    let len = this.#tok.decode(ids.slice(0, tokens)).length;
    if (!text.startsWith(this.#tok.decode(ids.slice(0, tokens)))) len = Math.min(len, text.length);
    let n = this.#tok.encode(text.slice(0, len)).length;
    for (let steps = 0; n !== tokens && steps < 64; steps++) {
      const next = n > tokens ? len - 1 : len + 1;
      if (next < 1 || next > text.length) return null;
      const m = this.#tok.encode(text.slice(0, next)).length;
      // stepping over the count (n - 1 -> n + 1) means this draft has no exact prefix here
      if ((n < tokens && m > tokens) || (n > tokens && m < tokens)) return null;
      len = next;
      n = m;
    }
    return n === tokens ? text.slice(0, len) : null;
  }
}
