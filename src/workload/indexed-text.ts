import type { TokenCodec } from './token-ring.js';

/** Texts shorter than this are encoded whole with their index: it costs no more than the check. */
const SHORT = 64;
const SAMPLE_INDICES = [0, 7, 42, 999, 1000, 65_535, 123_456, 9_999_999];

/**
 * The count of `${index} ${text}` for any index at the cost of a short encoding: telescoped over the
 * index, the text's first word and the rest, n(`${index} ${word}`) + n(` ${text}`) - n(` ${word}`), when
 * the first word isolates the index from the rest (checked on sample indices when made). Otherwise, and
 * for short texts, the whole prompt is encoded each time.
 */
export function indexedTextCounter(codec: TokenCodec, text: string): (index: number) => number {
  const whole = (index: number) => codec.encode(`${index} ${text}`).length;
  const space = text.indexOf(' ', 1);
  if (text.length < SHORT || space === -1) return whole;
  const word = text.slice(0, space);
  const rest = codec.encode(` ${text}`).length - codec.encode(` ${word}`).length;
  const short = (index: number) => codec.encode(`${index} ${word}`).length + rest;
  return SAMPLE_INDICES.every((i) => short(i) === whole(i)) ? short : whole;
}
