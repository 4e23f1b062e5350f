/** What it needs of a tokenizer: whole encodings (special tokens included, if any). */
export interface Encoder {
  encode(text: string): ArrayLike<number>;
}

/** Texts with fewer pieces are always encoded whole. */
const MIN_PIECES = 4;
/** Of texts that look new, one in this many is encoded by pieces anyway, so repeats can be found. */
const PROBE_EVERY = 8;

/**
 * Encodes texts that repeat lines (synthesized prompts are a unique first line, then corpus lines; chat
 * histories repeat whole turns) at the cost of their new lines: the text is cut where a line starts with a
 * non-space character (pretokenizers never join across that: whitespace runs, which may span blank or
 * indented lines, end there), and piece k's ids are what it adds after piece k-1, remembered by the pair:
 *   ids(P0 .. Pm) = ids(P0 P1) ++ [ids(Pk-1 Pk) without the ids(Pk-1) it starts with] for k >= 2.
 * A pair whose encoding does not start with its first piece's (an EOS, a template's closing tokens) sends
 * the text to a whole encoding, and so do texts whose pairs are mostly unseen (encoding them by pieces
 * would cost about twice a whole encoding), except one in `PROBE_EVERY`. The memo is bounded: when full it
 * starts again, so memory stays flat whatever the texts.
 */
export class LineMemoEncoder {
  /** Texts encoded by pieces, and whole. */
  readonly stats = { byPieces: 0, whole: 0 };
  readonly #enc: Encoder;
  readonly #max: number;
  /** Pair text -> the ids its second piece adds after the first (null: the pair is not prefix-consistent). */
  #adds = new Map<string, number[] | null>();
  #misses = 0;

  constructor(enc: Encoder, maxEntries = 100_000) {
    this.#enc = enc;
    this.#max = maxEntries;
  }

  encode(text: string): number[] {
    const pieces = splitPieces(text);
    if (pieces.length >= MIN_PIECES && (this.#mostlyKnown(pieces) || ++this.#misses % PROBE_EVERY === 0)) {
      const ids = this.#byPieces(pieces);
      if (ids) {
        this.stats.byPieces++;
        return ids;
      }
    }
    this.stats.whole++;
    return Array.from(this.#enc.encode(text));
  }

  #byPieces(pieces: string[]): number[] | null {
    const ids = Array.from(this.#enc.encode(pieces[0] + pieces[1]));
    for (let k = 2; k < pieces.length; k++) {
      const adds = this.#pairAdds(pieces[k - 1], pieces[k]);
      if (adds === null) return null;
      for (let i = 0; i < adds.length; i++) ids.push(adds[i]);
    }
    return ids;
  }

  #mostlyKnown(pieces: string[]): boolean {
    let known = 0;
    for (let k = 2; k < pieces.length; k++) if (this.#adds.has(pieces[k - 1] + pieces[k])) known++;
    return known * 2 >= pieces.length - 2;
  }

  #pairAdds(a: string, b: string): number[] | null {
    const key = a + b;
    let adds = this.#adds.get(key);
    if (adds === undefined) {
      const pair = this.#enc.encode(key);
      const alone = this.#enc.encode(a);
      adds = startsWith(pair, alone) ? Array.prototype.slice.call(pair, alone.length) as number[] : null;
      if (this.#adds.size >= this.#max) this.#adds = new Map();
      this.#adds.set(key, adds);
    }
    return adds;
  }
}

function startsWith(ids: ArrayLike<number>, prefix: ArrayLike<number>): boolean {
  if (prefix.length > ids.length) return false;
  for (let i = 0; i < prefix.length; i++) if (ids[i] !== prefix[i]) return false;
  return true;
}

/** The text cut after each line break that a non-space character follows. */
function splitPieces(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i + 1 < text.length; i = text.indexOf('\n', i + 1)) {
    if (/\s/.test(text[i + 1])) continue;
    out.push(text.slice(from, i + 1));
    from = i + 1;
  }
  if (from < text.length) out.push(text.slice(from));
  return out;
}
