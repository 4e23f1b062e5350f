import { seededRandom } from '../schedule/random.js';
import { CorpusRing, type Lead, type TokenCodec } from './token-ring.js';

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

/** After the request's index: the lead-in every synthesized prompt shares; its first word isolates the index from the rest. */
const LEAD_WORD = ' Continue';
const LEAD = `${LEAD_WORD} these lines of verse:\n`;
/** Heads checked when the builder is made: the index is counted with the lead's first word only if all agree. */
const SAMPLE_INDICES = [0, 5, 42, 777, 1000, 65_535, 123_456, 9_999_999];
/** Spaces after the index that shift the count at the start when no cut at the end is exact. */
const VARIANTS = 8;

/** How prompts were built so far: by sums over the measured ring, or by re-encoding whole drafts. */
export interface BuildStats {
  windowed: number;
  reencoded: number;
}

/**
 * Prompts of an exact token count, as LLMPerf builds them: the request's index (so no two prompts share
 * a cached prefix), a fixed lead-in, then corpus lines from a seeded start, cut to the count. The cost
 * is flat in the length: one encoding of the index and lead-in, a binary search over the ring's prefix
 * sums, one slice of the corpus, and (the first time a cut falls at a given place) an encoding of two
 * lines to settle it. Prompts shorter than the lead-in plus a line, and the rare ones no cut makes exact,
 * are built by re-encoding a draft as a whole.
 */
export class PromptBuilder {
  readonly stats: BuildStats = { windowed: 0, reencoded: 0 };
  readonly #codec: TokenCodec;
  readonly #lines: string[];
  readonly #ring: CorpusRing | null;
  readonly #lead: Lead | null;
  /** n(LEAD) - n(LEAD_WORD), when the first word isolates any index from the rest of the lead; else null. */
  readonly #leadRest: number | null;
  /** Each line's count alone: drafts without a ring (a tokenizer whose line breaks isolate nothing). */
  readonly #lineTokens: number[];

  constructor(codec: TokenCodec, lines: string[]) {
    this.#codec = codec;
    this.#lines = lines;
    this.#ring = CorpusRing.measure(codec, lines);
    this.#lead = this.#ring?.lead(LEAD) ?? null;
    this.#leadRest = this.#isolating(codec.encode(LEAD).length - codec.encode(LEAD_WORD).length);
    const overhead = codec.encode('').length;
    this.#lineTokens = this.#ring ? [] : lines.map((l) => Math.max(1, codec.encode(`${l}\n`).length - overhead));
  }

  build(index: number, tokens: number, rand: () => number): SynthPrompt {
    const line = Math.floor(rand() * this.#lines.length);
    const fast = this.#windowed(index, tokens, line);
    if (fast !== null) {
      this.stats.windowed++;
      return { prompt: fast, inputTokens: tokens };
    }
    this.stats.reencoded++;
    return this.#reencoded(index, tokens, line);
  }

  #windowed(index: number, tokens: number, line: number): string | null {
    if (!this.#ring || !this.#lead) return null;
    const start = this.#ring.segmentOfLine(line);
    let tried = -1;
    for (let v = 0; v < VARIANTS; v++) {
      const head = `${index}${' '.repeat(v)}${LEAD}`;
      const headTokens = this.#headTokens(index, v);
      if (headTokens > tokens) return null;
      if (headTokens === tried) continue;
      tried = headTokens;
      const body = this.#ring.window(this.#lead, start, tokens - headTokens);
      if (body !== null) return head + body;
    }
    return null;
  }

  /**
   * n(index, spaces, LEAD): telescoped as n(index spaces LEAD_WORD) + n(LEAD) - n(LEAD_WORD), a third of
   * the text to encode per prompt, when the sample heads showed the first word isolates the index.
   */
  #headTokens(index: number, spaces: number): number {
    const head = `${index}${' '.repeat(spaces)}`;
    return this.#leadRest === null ? this.#codec.encode(head + LEAD).length : this.#codec.encode(head + LEAD_WORD).length + this.#leadRest;
  }

  #isolating(rest: number): number | null {
    for (const i of SAMPLE_INDICES) {
      for (let v = 0; v < VARIANTS; v++) {
        const head = `${i}${' '.repeat(v)}`;
        if (this.#codec.encode(head + LEAD).length !== this.#codec.encode(head + LEAD_WORD).length + rest) return null;
      }
    }
    return rest;
  }

  #reencoded(index: number, tokens: number, line: number): SynthPrompt {
    const prefixes = [...Array.from({ length: VARIANTS }, (_, v) => `${index}${' '.repeat(v)}${LEAD}`), ''];
    for (const prefix of prefixes) {
      const exact = exactPrefix(this.#codec, this.#draft(prefix, line, tokens), tokens);
      if (exact !== null) return { prompt: exact, inputTokens: tokens };
    }
    const text = this.#draft(prefixes[0], line, tokens).text;
    return { prompt: text, inputTokens: this.#codec.encode(text).length };
  }

  /** `prefix`, then whole corpus lines from `line` until the text holds a few tokens more than asked. */
  #draft(prefix: string, line: number, tokens: number): Draft {
    for (let want = tokens + 3; ; want *= 2) {
      const text = prefix + this.#linesFrom(line, want);
      const ids = this.#codec.encode(text);
      if (ids.length > tokens + 2) return { text, ids };
    }
  }

  /** Whole lines from `line` on, about `tokens` tokens' worth by their counts alone. */
  #linesFrom(line: number, tokens: number): string {
    if (this.#ring) return this.#ring.cover(this.#ring.segmentOfLine(line), tokens);
    let text = '';
    for (let i = line, have = 0; have <= tokens; i = (i + 1) % this.#lines.length) {
      text += `${this.#lines[i]}\n`;
      have += this.#lineTokens[i];
    }
    return text;
  }
}

interface Draft {
  text: string;
  ids: ArrayLike<number>;
}

/**
 * The prefix of `text` holding exactly `tokens` tokens, or null when none does. Tokenizers are not
 * additive (a cut can re-merge into other tokens), so the cut is re-encoded and moved a character at a
 * time until the count is exact.
 */
function exactPrefix(codec: TokenCodec, { text, ids }: Draft, tokens: number): string | null {
  const guess = codec.decode(Array.prototype.slice.call(ids, 0, tokens) as number[]);
  let len = text.startsWith(guess) ? guess.length : Math.min(guess.length, text.length);
  let n = codec.encode(text.slice(0, len)).length;
  for (let steps = 0; n !== tokens && steps < 64; steps++) {
    const next = n > tokens ? len - 1 : len + 1;
    if (next < 1 || next > text.length) return null;
    const m = codec.encode(text.slice(0, next)).length;
    // stepping over the count (n - 1 -> n + 1) means this draft has no exact prefix here
    if ((n < tokens && m > tokens) || (n > tokens && m < tokens)) return null;
    len = next;
    n = m;
  }
  return n === tokens ? text.slice(0, len) : null;
}
