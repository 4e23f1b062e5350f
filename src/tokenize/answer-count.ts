/**
 * An answer's client token count at a bounded cost, so that no answer a server sends can hold the worker
 * counting it: the first EXACT_CHARS characters are encoded, the rest is estimated at the characters per
 * token of that part. The exact part also ends MAX_RUN characters into the first longer run of
 * whitespace or of other characters: BPE tokenizers work on such runs as one piece, in time quadratic in
 * its length (js-tiktoken: seconds for 10 k letters without a space), while text has none that long.
 */

/** 4 KiB: a whole answer of LLMPerf's size (~250 tokens, ~1 KB) and most chat answers are counted
 *  exactly; beyond it the estimate was within 3 % on Markdown prose (README, ARCHITECTURE, 30 KB) under
 *  llama2 and cl100k, and the exact part cost a median 35 ms of CPU with the slowest tokenizer on text
 *  (llama2) and 14 ms on gibberish (cl100k) on a busy 2-core machine (2 KiB: up to 8 % off). */
export const EXACT_CHARS = 4096;
/** Longest run of whitespace, or of anything else, the exact part holds in full. */
export const MAX_RUN = 64;

export interface AnswerCount {
  tokens: number;
  /** Whether part of the answer was estimated rather than encoded. */
  estimated: boolean;
}

/** How many leading characters of `text` are encoded (never splitting a surrogate pair). */
export function exactPrefixLength(text: string): number {
  const end = Math.min(text.length, EXACT_CHARS);
  let run = 0;
  let space = false;
  for (let i = 0; i < end; i++) {
    const s = isSpace(text.charCodeAt(i));
    run = s === space ? run + 1 : 1;
    space = s;
    if (run > MAX_RUN) return wholeCharacters(text, i);
  }
  return wholeCharacters(text, end);
}

export function countAnswer(text: string, encode: (s: string) => number[]): AnswerCount {
  const exactChars = exactPrefixLength(text);
  if (exactChars === 0) return { tokens: 0, estimated: false };
  const exact = encode(exactChars === text.length ? text : text.slice(0, exactChars)).length;
  const rest = text.length - exactChars;
  return { tokens: exact + Math.round((rest * exact) / exactChars), estimated: rest > 0 };
}

/** `at`, or one less when it would cut between the halves of a surrogate pair. */
function wholeCharacters(text: string, at: number): number {
  const c = text.charCodeAt(at - 1);
  return at < text.length && c >= 0xd800 && c <= 0xdbff ? at - 1 : at;
}

/** JavaScript's `\s` (what tokenizers' pre-splitting patterns mean by whitespace). */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
