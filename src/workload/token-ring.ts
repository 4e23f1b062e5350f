/**
 * What prompt building needs of a tokenizer. `encode` may add special tokens (a BOS, an EOS) or render a
 * chat template around the text, and `decode(encode(x))` need not give `x` back: counts here are always
 * differences of whole encodings, so a constant overhead cancels, and decoded text is only ever a guess
 * that an encoding then checks.
 */
export interface TokenCodec {
  encode(text: string): ArrayLike<number>;
  decode(ids: number[]): string;
}

/** A tail that no prefix of its segment reaches exactly (a merge jumps over the count). */
const UNREACHABLE = -1;
/** The shortest context a cut can be settled in; every segment ends with it. */
const BREAK = '\n';
const BREAK_CONTEXT = 0;
const SEGMENT_CONTEXT = 1;
/** Memo keys: a cut's token count stays below this (a segment is a few lines). */
const TOKEN_KEYS = 0x10000;
/** Rounds of merging segments whose line breaks do not isolate their neighbours. */
const MERGE_ROUNDS = 4;

/**
 * The text a piece adds after a known predecessor, measured by whole encodings:
 * n(A B) - n(A). If the tokens around a join depend only on the two pieces that meet there (a line break
 * isolates lines, for every pretokenizing tokenizer), then for pieces X0 .. Xm
 *   n(X0 .. Xm) = n(X0 X1) + sum over k of [n(Xk Xk+1) - n(Xk)]
 * exactly, whatever the tokenizer adds at the start or the end of a text (those cancel in each term).
 * `CorpusRing.measure` checks that premise on every triple of neighbouring segments and merges segments
 * where it fails, so a window's count is a sum of numbers measured once.
 */
export class CorpusRing {
  readonly #codec: TokenCodec;
  /** Segments in ring order: one line (with its line break) or a few merged lines. */
  readonly #segs: string[];
  /** Each segment's count alone, n(S_j). */
  readonly #alone: Int32Array;
  /** The tokens segment j adds after segment j - 1: n(S_j-1 S_j) - n(S_j-1). */
  readonly #adds: Int32Array;
  /** Those tokens' ids (the tail of the encoding of S_j-1 S_j), for guessing where a cut falls. */
  readonly #ids: ArrayLike<number>[];
  /** Prefix sums over one turn of the ring: tokens and characters before segment j. */
  readonly #tokensBefore: Float64Array;
  readonly #charsBefore: Float64Array;
  readonly #lineToSeg: Int32Array;
  /** n("\n"), and what each segment adds after a bare line break: where that equals `#adds`, a cut in the
   *  segment is settled after "\n" alone (one short encoding), whatever came before. */
  readonly #breakCount: number;
  readonly #afterBreak: Int32Array;
  readonly #breakIds: ArrayLike<number>[];
  /** Settled cut lengths by (context, segment, tokens): see `#tail`. */
  readonly #tailMemo = new Map<number, number>();
  readonly #one: string;
  #text: string;

  private constructor(codec: TokenCodec, segs: string[], lineToSeg: Int32Array) {
    this.#codec = codec;
    this.#segs = segs;
    this.#lineToSeg = lineToSeg;
    const n = segs.length;
    this.#alone = Int32Array.from(segs, (s) => codec.encode(s).length);
    this.#adds = new Int32Array(n);
    this.#ids = [];
    this.#breakCount = codec.encode(BREAK).length;
    this.#afterBreak = new Int32Array(n);
    this.#breakIds = segs.map((seg, j) => {
      const ids = codec.encode(BREAK + seg);
      this.#afterBreak[j] = ids.length - this.#breakCount;
      return sliceIds(ids, this.#breakCount, ids.length);
    });
    this.#tokensBefore = new Float64Array(n + 1);
    this.#charsBefore = new Float64Array(n + 1);
    for (let j = 0; j < n; j++) {
      const prev = (j + n - 1) % n;
      const pair = codec.encode(segs[prev] + segs[j]);
      this.#adds[j] = pair.length - this.#alone[prev];
      this.#ids.push(sliceIds(pair, pair.length - this.#adds[j], pair.length));
      this.#tokensBefore[j + 1] = this.#tokensBefore[j] + this.#adds[j];
      this.#charsBefore[j + 1] = this.#charsBefore[j] + segs[j].length;
    }
    this.#one = segs.join('');
    this.#text = this.#one;
  }

  /**
   * Measures the ring of `lines` (each followed by a line break) under `codec`. Null when no grouping of
   * the lines isolates them (fewer than three segments left, or a segment that adds no token): callers
   * then build by re-encoding whole texts.
   */
  static measure(codec: TokenCodec, lines: string[]): CorpusRing | null {
    let groups = lines.map((_, i) => [i]);
    for (let round = 0; round <= MERGE_ROUNDS && groups.length >= 3; round++) {
      const segs = groups.map((g) => g.map((i) => `${lines[i]}\n`).join(''));
      const lineToSeg = new Int32Array(lines.length);
      groups.forEach((g, j) => g.forEach((i) => (lineToSeg[i] = j)));
      const ring = new CorpusRing(codec, segs, lineToSeg);
      if (ring.#adds.some((a) => a < 1)) return null;
      const bad = ring.#nonLocal();
      if (bad.length === 0) return ring;
      groups = mergeAfter(groups, bad);
    }
    return null;
  }

  get segments(): number {
    return this.#segs.length;
  }

  /** The segment holding corpus line i (lines merged into one segment share it). */
  segmentOfLine(line: number): number {
    return this.#lineToSeg[line];
  }

  /** A piece of text (a prompt's fixed lead-in) measured against every segment that may follow it. */
  lead(text: string): Lead {
    const n = this.#segs.length;
    const alone = this.#codec.encode(text).length;
    const adds = new Int32Array(n);
    const ids: ArrayLike<number>[] = [];
    const ok = new Uint8Array(n);
    for (let j = 0; j < n; j++) {
      const pair = this.#codec.encode(text + this.#segs[j]);
      adds[j] = pair.length - alone;
      ids.push(sliceIds(pair, pair.length - adds[j], pair.length));
      const next = (j + 1) % n;
      const triple = this.#codec.encode(text + this.#segs[j] + this.#segs[next]).length;
      ok[j] = adds[j] >= 1 && triple === pair.length + this.#adds[next] ? 1 : 0;
    }
    return { text, alone, adds, ids, ok, memo: new Map() };
  }

  /**
   * Text that follows `lead` from segment `start` on and adds exactly `tokens` after it: whole segments
   * (a slice of the repeated corpus), then a prefix of one more segment settled by encoding only that
   * segment and the one before it. Null when no prefix of that last segment adds the count exactly.
   */
  window(lead: Lead, start: number, tokens: number): string | null {
    if (!lead.ok[start]) return null;
    if (tokens === 0) return '';
    const first = lead.adds[start];
    if (tokens < first) return this.#tailAfterLead(lead, start, tokens);
    const n = this.#segs.length;
    const from = start + 1;
    const end = this.#lastWhole(from, tokens - first);
    const rest = tokens - first - (this.#tokensAt(end) - this.#tokensAt(from));
    const whole = this.#slice(start, end);
    if (rest === 0) return whole;
    const tail = this.#tailAfterSegment(end % n, rest);
    return tail === null ? null : whole + tail;
  }

  /** Whole segments from `start` holding at least `tokens` tokens, for re-encoding fallbacks. */
  cover(start: number, tokens: number): string {
    const end = this.#lastWhole(start, tokens);
    return this.#slice(start, end + 1);
  }

  /** Joins j (between segment j and j + 1) where S_j does not isolate S_j-1 from S_j+1. */
  #nonLocal(): number[] {
    const n = this.#segs.length;
    const bad: number[] = [];
    for (let j = 0; j < n; j++) {
      const prev = (j + n - 1) % n;
      const next = (j + 1) % n;
      const triple = this.#codec.encode(this.#segs[prev] + this.#segs[j] + this.#segs[next]).length;
      if (triple !== this.#alone[prev] + this.#adds[j] + this.#adds[next]) bad.push(j);
    }
    return bad;
  }

  /** Tokens before linear segment index x (x may run past one turn of the ring). */
  #tokensAt(x: number): number {
    const n = this.#segs.length;
    return Math.floor(x / n) * this.#tokensBefore[n] + this.#tokensBefore[x % n];
  }

  #charsAt(x: number): number {
    const n = this.#segs.length;
    return Math.floor(x / n) * this.#charsBefore[n] + this.#charsBefore[x % n];
  }

  /** The largest linear index end >= from with tokens(from .. end-1) <= budget. */
  #lastWhole(from: number, budget: number): number {
    const n = this.#segs.length;
    const turns = Math.floor(budget / this.#tokensBefore[n]);
    const base = this.#tokensAt(from);
    let lo = from + turns * n;
    let hi = lo + n;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.#tokensAt(mid) - base <= budget) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Segments start .. end-1 (linear indices) as one slice of the corpus repeated as often as needed. */
  #slice(start: number, end: number): string {
    const n = this.#segs.length;
    const from = this.#charsBefore[start % n];
    const to = from + this.#charsAt(end) - this.#charsAt(start);
    while (this.#text.length < to) this.#text += this.#one;
    return this.#text.slice(from, to);
  }

  #tailAfterSegment(seg: number, tokens: number): string | null {
    const n = this.#segs.length;
    const prev = (seg + n - 1) % n;
    if (this.#afterBreak[seg] === this.#adds[seg]) return this.#tail(BREAK_CONTEXT, seg, tokens, BREAK, this.#breakCount, this.#breakIds[seg]);
    return this.#tail(SEGMENT_CONTEXT, seg, tokens, this.#segs[prev], this.#alone[prev], this.#ids[seg]);
  }

  #tailAfterLead(lead: Lead, seg: number, tokens: number): string | null {
    if (this.#afterBreak[seg] === lead.adds[seg] && lead.text.endsWith(BREAK)) return this.#tail(BREAK_CONTEXT, seg, tokens, BREAK, this.#breakCount, this.#breakIds[seg]);
    let len = lead.memo.get(seg * TOKEN_KEYS + tokens);
    if (len === undefined) {
      len = this.#settle(lead.text, lead.alone, this.#segs[seg], lead.ids[seg], tokens);
      lead.memo.set(seg * TOKEN_KEYS + tokens, len);
    }
    return len === UNREACHABLE ? null : this.#segs[seg].slice(0, len);
  }

  /** A cut of `seg` adding `tokens` after `before`; `context` says which `before` (it keys the memo, and
   *  `ids` are fixed per context and segment, so a memo entry is the same whoever computes it first). */
  #tail(context: number, seg: number, tokens: number, before: string, beforeCount: number, ids: ArrayLike<number>): string | null {
    const key = (seg * 2 + context) * TOKEN_KEYS + tokens;
    let len = this.#tailMemo.get(key);
    if (len === undefined) {
      len = this.#settle(before, beforeCount, this.#segs[seg], ids, tokens);
      this.#tailMemo.set(key, len);
    }
    return len === UNREACHABLE ? null : this.#segs[seg].slice(0, len);
  }

  /**
   * The length of the prefix of `seg` that adds exactly `tokens` after `before` (whose count alone is
   * `beforeCount`), or UNREACHABLE. Starts from the decoded length of the segment's first ids in context
   * and walks one character at a time, each step one encoding of the two pieces.
   */
  #settle(before: string, beforeCount: number, seg: string, ids: ArrayLike<number>, tokens: number): number {
    const adds = (len: number) => this.#codec.encode(before + seg.slice(0, len)).length - beforeCount;
    let len = Math.min(seg.length, Math.max(1, this.#codec.decode(sliceIds(ids, 0, tokens)).length));
    let have = adds(len);
    while (have < tokens && len < seg.length) have = adds(++len);
    while (have > tokens && len > 1) {
      const fewer = adds(len - 1);
      if (fewer < tokens) break;
      have = fewer;
      len--;
    }
    return have === tokens ? len : UNREACHABLE;
  }
}

/** A fixed lead-in and what each segment adds right after it; `ok[j]`: the lead does not reach past S_j. */
export interface Lead {
  readonly text: string;
  readonly alone: number;
  readonly adds: Int32Array;
  readonly ids: ArrayLike<number>[];
  readonly ok: Uint8Array;
  readonly memo: Map<number, number>;
}

function sliceIds(ids: ArrayLike<number>, from: number, to: number): number[] {
  return Array.prototype.slice.call(ids, from, to) as number[];
}

/** Each group j in `joins` absorbs its successor (a group absorbed this round does not absorb another). */
function mergeAfter(groups: number[][], joins: number[]): number[][] {
  const n = groups.length;
  const absorb = new Set<number>();
  const absorbed = new Set<number>();
  for (const j of joins) {
    const next = (j + 1) % n;
    if (absorb.has(j) || absorbed.has(j) || absorbed.has(next) || absorb.has(next)) continue;
    absorb.add(j);
    absorbed.add(next);
  }
  const out: number[][] = [];
  for (let j = 0; j < n; j++) {
    if (absorbed.has(j)) continue;
    out.push(absorb.has(j) ? [...groups[j], ...groups[(j + 1) % n]] : groups[j]);
  }
  // when the last group absorbs the first, the ring starts one group later: still the same cycle
  return out;
}
