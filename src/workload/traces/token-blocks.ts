import { seededRandom } from '../../schedule/random.js';
import type { Tokenizer } from '../../tokenize/tokenizers.js';
import { readCorpus } from '../corpus.js';
import { HASH_BLOCK_TOKENS } from './types.js';

/** Blocks kept built (each ~3 KB of text): the blocks a trace reuses soon are the ones it shares. */
const CACHE_BLOCKS = 4096;
/** Leading words of a block that spell its key, so distinct keys differ from the first token on. */
const KEY_WORDS = 3;

/**
 * Prompts of an exact token count made of words that are one token each under the tokenizer, with or
 * without a space before them. Tokenizers split text at spaces before they merge (a pre-tokenizer, or
 * SentencePiece's whitespace rule), so a text of n such words separated by single spaces is exactly n
 * tokens, and two texts that share their first k words share their first k tokens, whatever follows.
 * That is what a Mooncake trace needs: each `hash_ids` entry is a 512-token block, the same tokens
 * wherever the id appears, so the trace's prefix sharing reaches the server exactly.
 */
export class TokenBlocks {
  readonly #words: string[];
  readonly #cache = new Map<string, string[]>();

  private constructor(words: string[]) {
    this.#words = words;
  }

  /** The blocks for `tokenizer`, or why they cannot be exact under it. */
  static build(tokenizer: Tokenizer): TokenBlocks | string {
    const seen = new Set<string>();
    const base = tokenizer.encode('a').length;
    const words: string[] = [];
    for (const line of readCorpus()) {
      for (const w of line.toLowerCase().match(/[a-z]+/g) ?? []) {
        if (seen.has(w)) continue;
        seen.add(w);
        if (tokenizer.encode(w).length === 1 && tokenizer.encode(`a ${w}`).length === base + 1) words.push(w);
      }
    }
    if (words.length < 64) return `the tokenizer has too few one-token words (${words.length}) to build exact prompt blocks`;
    const blocks = new TokenBlocks(words.sort());
    const probe = blocks.hashPrompt([0, 1], 2 * HASH_BLOCK_TOKENS);
    const n = tokenizer.encode(probe).length;
    if (n !== 2 * HASH_BLOCK_TOKENS) return `the tokenizer does not split words at spaces (two ${HASH_BLOCK_TOKENS}-token blocks encode to ${n} tokens), so prompt blocks cannot be exact`;
    return blocks;
  }

  /** A prompt of `tokens` tokens whose i-th block of 512 is the block of `hashIds[i]` (the last one cut). */
  hashPrompt(hashIds: readonly number[], tokens: number): string {
    const parts: string[] = [];
    for (let b = 0, left = tokens; left > 0; b++, left -= HASH_BLOCK_TOKENS) {
      const words = this.#block(`h${hashIds[b]}`, hashIds[b]);
      parts.push(left >= HASH_BLOCK_TOKENS ? words.join(' ') : words.slice(0, left).join(' '));
    }
    return parts.join(' ');
  }

  /** A prompt of `tokens` tokens no other request shares (request `index` of the run). */
  uniquePrompt(index: number, tokens: number): string {
    return this.#keyed('u', index, tokens);
  }

  /** Shared prompt `group` (a system prompt many requests start with) of `tokens` tokens. */
  groupPrompt(group: number, tokens: number): string {
    return this.#keyed('g', group, tokens);
  }

  #keyed(space: string, n: number, tokens: number): string {
    const parts: string[] = [];
    for (let b = 0, left = tokens; left > 0; b++, left -= HASH_BLOCK_TOKENS) {
      const words = this.#block(`${space}${n}.${b}`, mix(n, b + space.charCodeAt(0) * 65536));
      parts.push(left >= HASH_BLOCK_TOKENS ? words.join(' ') : words.slice(0, left).join(' '));
    }
    return parts.join(' ');
  }

  #block(key: string, n: number): string[] {
    const hit = this.#cache.get(key);
    if (hit) {
      this.#cache.delete(key);
      this.#cache.set(key, hit);
      return hit;
    }
    const W = this.#words;
    const out: string[] = [];
    // the key's digits first (least significant first): different ids differ from the first word
    for (let d = 0, v = n; d < KEY_WORDS; d++, v = Math.floor(v / W.length)) out.push(W[v % W.length]);
    const rand = seededRandom(mix(n, key.charCodeAt(0)));
    while (out.length < HASH_BLOCK_TOKENS) out.push(W[Math.floor(rand() * W.length)]);
    if (this.#cache.size >= CACHE_BLOCKS) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(key, out);
    return out;
  }
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
