/**
 * The simulator's prefix cache, in the manner of vLLM's automatic prefix caching: a prompt is cut into
 * blocks of `blockTokens` tokens, each block named by a hash of itself and every block before it, and an
 * LRU of those names holds `capacityTokens / blockTokens` blocks. A request reuses its longest run of
 * leading blocks found in the cache; the rest is prefilled and then cached.
 */
export class PrefixCache {
  readonly blockTokens: number;
  readonly #capacity: number;
  /** Insertion order = recency: a hit is deleted and re-set to move it to the end. */
  readonly #lru = new Map<number, true>();

  constructor(capacityTokens: number, blockTokens: number) {
    this.blockTokens = blockTokens;
    this.#capacity = Math.floor(capacityTokens / blockTokens);
  }

  get blocks(): number {
    return this.#lru.size;
  }

  /**
   * Prompt tokens served from the cache: the leading blocks found, never the whole prompt (a server
   * computes at least the last prompt token to produce the first output token, as vLLM does).
   */
  match(hashes: readonly number[], promptTokens: number): number {
    const usable = Math.floor((promptTokens - 1) / this.blockTokens);
    let n = 0;
    while (n < hashes.length && n < usable && this.#lru.has(hashes[n])) {
      this.#touch(hashes[n]);
      n++;
    }
    return n * this.blockTokens;
  }

  /** The blocks of a prompt whose prefill is done: cached, the least recently used evicted past capacity. */
  insert(hashes: readonly number[]): void {
    if (this.#capacity === 0) return;
    for (const h of hashes) {
      this.#touch(h);
      if (this.#lru.size > this.#capacity) this.#lru.delete(this.#lru.keys().next().value!);
    }
  }

  #touch(h: number): void {
    this.#lru.delete(h);
    this.#lru.set(h, true);
  }
}

/**
 * Names of a token sequence's whole blocks: block k's name hashes block k's ids and block k-1's name,
 * so equal names mean equal prefixes. Two 32-bit lanes give a 53-bit name (collisions ~ 2^-53 per pair).
 */
export function blockHashes(ids: ArrayLike<number>, blockTokens: number): number[] {
  const out: number[] = [];
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let start = 0; start + blockTokens <= ids.length; start += blockTokens) {
    for (let i = start; i < start + blockTokens; i++) {
      a = Math.imul(a ^ ids[i], 0x01000193);
      b = Math.imul(b ^ ids[i] ^ (b >>> 15), 0x85ebca6b);
    }
    out.push((a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff));
  }
  return out;
}

/** Stand-in token ids when the simulator counts about 4 characters a token (no tokenizer): one per 4 characters. */
export function charTokenIds(text: string): Int32Array {
  const out = new Int32Array(Math.ceil(text.length / 4));
  for (let i = 0; i < out.length; i++) {
    let h = 0;
    for (let j = i * 4; j < i * 4 + 4 && j < text.length; j++) h = Math.imul(h, 31) + text.charCodeAt(j);
    out[i] = h;
  }
  return out;
}
