/** The key of the send stamp the simulator writes in `--stamp` mode (`sim/formats/openai.ts`). */
export const STAMP_KEY = 'sim_ns';

const KEY = Buffer.from(`"${STAMP_KEY}":`);
/** Longest decimal nanosecond stamp plus its key: what may be carried over from one chunk to the next. */
const MAX_CARRY = KEY.length + 20;
const EMPTY = Buffer.alloc(0);

/**
 * Finds the simulator's send stamps (`"sim_ns":<ns>`) in a response body, chunk by chunk, without
 * decoding it: a native byte search per chunk. A stamp split across two chunks is found once, in the
 * chunk where it ends.
 */
export class StampScanner {
  /** Bytes of the previous chunk that may begin a stamp still incomplete. */
  #carry: Buffer = EMPTY;

  /** Calls `onStamp(ns)` for every stamp completed in `chunk`, in order. */
  push(chunk: Buffer, onStamp: (ns: number) => void): void {
    if (this.#carry.length > 0 && this.#scanSeam(chunk, onStamp)) return;
    let from = 0;
    for (;;) {
      const at = chunk.indexOf(KEY, from);
      if (at === -1) break;
      const end = digitsEnd(chunk, at + KEY.length);
      if (end === chunk.length) {
        this.#carry = Buffer.from(chunk.subarray(at));
        return;
      }
      onStamp(readDigits(chunk, at + KEY.length, end));
      from = end;
    }
    this.#carry = keyPrefixTail(chunk, from);
  }

  /** A stamp that starts in the carried bytes and ends in `chunk`. True when it does not end there either
   *  (a tiny chunk in the middle of a stamp): everything seen is carried on. */
  #scanSeam(chunk: Buffer, onStamp: (ns: number) => void): boolean {
    const carried = this.#carry.length;
    const seam = Buffer.concat([this.#carry, chunk.subarray(0, MAX_CARRY)]);
    this.#carry = EMPTY;
    const at = seam.indexOf(KEY);
    const whole = chunk.length <= MAX_CARRY;
    if (at === -1 && whole) {
      this.#carry = keyPrefixTail(seam, 0);
      return true;
    }
    if (at === -1 || at >= carried) return false;
    const end = digitsEnd(seam, at + KEY.length);
    if (end === seam.length && whole) {
      this.#carry = seam.subarray(at);
      return true;
    }
    if (end < seam.length && end > at + KEY.length) onStamp(readDigits(seam, at + KEY.length, end));
    return false;
  }
}

/** The end of `buf` (past `from`) when it is the start of a key, else nothing: most chunks end in
 *  a blank line, so the next chunk needs no seam scan. */
function keyPrefixTail(buf: Buffer, from: number): Buffer {
  if (buf.length === from || !KEY.includes(buf[buf.length - 1])) return EMPTY; // the usual case, in JS
  for (let len = Math.min(KEY.length - 1, buf.length - from); len > 0; len--) {
    if (buf.compare(KEY, 0, len, buf.length - len) === 0) return Buffer.from(buf.subarray(buf.length - len));
  }
  return EMPTY;
}

function digitsEnd(buf: Buffer, from: number): number {
  let i = from;
  while (i < buf.length && buf[i] >= 48 && buf[i] <= 57) i++;
  return i;
}

/** Monotonic ns stay below 2^53 (104 days of uptime), so a double holds them exactly. */
function readDigits(buf: Buffer, from: number, end: number): number {
  let v = 0;
  for (let i = from; i < end; i++) v = v * 10 + (buf[i] - 48);
  return v;
}
