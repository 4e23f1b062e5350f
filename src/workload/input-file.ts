import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Reading the user's data files (datasets, traces) the same way everywhere: streamed in blocks (a
 * ShareGPT file is 650 MB, more than one JavaScript string holds), a UTF-8 BOM accepted, binary input
 * refused in one line, every bad record one line naming the file and line, and at most MAX_PROBLEMS of
 * them before the reader gives up and says how far it got.
 */
export const MAX_PROBLEMS = 20;

const BLOCK = 1 << 20;

/** A piece of the file with the (1-based) line it starts on. */
export interface Located<T> {
  line: number;
  value: T;
}

/** Collects problems for one file; `full` once MAX_PROBLEMS are in. */
export class FileProblems {
  readonly #out: string[];
  readonly #path: string;
  readonly #label: string;
  count = 0;
  #lastLine = 0;
  /** What a position counts: text lines (an editor goes there), or the records of a binary (Parquet) file. */
  unit: 'line' | 'record' = 'line';

  /** `label`: the flag or key that named the file (`--dataset`), for problems with the whole file. */
  constructor(label: string, path: string, out: string[]) {
    this.#label = label;
    this.#path = path;
    this.#out = out;
  }

  get full(): boolean {
    return this.count >= MAX_PROBLEMS;
  }

  at(line: number, message: string): void {
    this.count++;
    this.#lastLine = line;
    if (this.count <= MAX_PROBLEMS) this.#out.push(this.unit === 'line' ? `${this.#path}:${line}: ${message}` : `${this.#path}: record ${line}: ${message}`);
  }

  /** A problem with the whole file (unreadable, binary, empty). */
  file(message: string): void {
    this.count++;
    this.#out.push(`${this.#label}: '${this.#path}' ${message}`);
  }

  /** Called when reading stopped at the cap: says so, with the line reached. */
  stopped(): void {
    this.#out.push(`${this.#path}: stopped at ${this.unit} ${this.#lastLine} after ${MAX_PROBLEMS} bad records; fix these and run again`);
  }
}

/** The file's bytes, block by block; a problem string when it cannot be opened. */
function* blocks(path: string): Generator<Buffer, void, undefined> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(BLOCK);
    for (;;) {
      const n = readSync(fd, buf, 0, BLOCK, null);
      if (n === 0) return;
      yield Buffer.from(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Why the first block says this is no text file (a NUL byte, bytes that are not UTF-8), or null. */
function binaryProblem(first: Buffer): string | null {
  const nul = first.indexOf(0);
  if (nul !== -1) return `is binary (a NUL byte at offset ${nul}), not UTF-8 text; give a JSON or JSON-lines text file`;
  try {
    // the block may end inside a character: only whole ones are checked
    let end = first.length;
    while (end > 0 && end > first.length - 4 && (first[end - 1] & 0xc0) === 0x80) end--;
    if (end > 0 && first[end - 1] >= 0xc0) end--;
    utf8.decode(first.subarray(0, end));
  } catch {
    return 'is not UTF-8 text (is it compressed or binary?); give a JSON or JSON-lines text file';
  }
  return null;
}

/** Opens `path` for reading: its blocks, or a one-line problem recorded in `p` (then null). */
export function openInput(path: string, p: FileProblems): Generator<Buffer, void, undefined> | null {
  let gen: Generator<Buffer, void, undefined>;
  let first: IteratorResult<Buffer, void>;
  try {
    gen = blocks(path);
    first = gen.next();
  } catch (err) {
    p.file(`cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    return null;
  }
  if (first.done) {
    p.file('is empty');
    return null;
  }
  let head = first.value;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) head = head.subarray(3);
  const why = binaryProblem(head);
  if (why) {
    p.file(why);
    gen.return();
    return null;
  }
  return (function* () {
    yield head;
    yield* gen;
  })();
}

/** Non-empty lines of a text input, each with its line number; a line that is not UTF-8 is a problem. */
export function* lines(input: Iterable<Buffer>, p: FileProblems): Generator<Located<string>, void, undefined> {
  let carry: Buffer = Buffer.alloc(0);
  let line = 1;
  const emit = function* (bytes: Buffer): Generator<Located<string>, void, undefined> {
    const end = bytes.length && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
    const at = line++;
    if (end === 0) return;
    let text: string;
    try {
      text = utf8.decode(bytes.subarray(0, end));
    } catch {
      return void p.at(at, 'is not UTF-8 text');
    }
    if (text.trim() !== '') yield { line: at, value: text };
  };
  for (const block of input) {
    let start = 0;
    const buf = carry.length ? Buffer.concat([carry, block]) : block;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      yield* emit(buf.subarray(start, nl));
      start = nl + 1;
    }
    carry = Buffer.from(buf.subarray(start));
  }
  if (carry.length) yield* emit(carry);
}

/**
 * JSON records of a text input: one per line (JSON lines), or the elements of one top-level JSON array
 * (ShareGPT's layout), each with the line it starts on. Unparsable records are problems.
 */
export function* jsonRecords(input: Iterable<Buffer>, p: FileProblems): Generator<Located<unknown>, void, undefined> {
  const it = input[Symbol.iterator]();
  const first = it.next();
  if (first.done) return;
  const rest = (function* () {
    yield first.value;
    for (let r = it.next(); !r.done; r = it.next()) yield r.value;
  })();
  const lead = first.value.toString('latin1', 0, Math.min(first.value.length, 256)).trimStart();
  const texts = lead.startsWith('[') ? arrayElements(rest, p) : lines(rest, p);
  for (const { line, value } of texts) {
    try {
      yield { line, value: JSON.parse(value) };
    } catch {
      p.at(line, `not valid JSON: ${value.length > 60 ? `${value.slice(0, 60)}…` : value}`);
    }
    if (p.full) return;
  }
}

/** The elements of a top-level JSON array as text, found by tracking strings and nesting depth, streamed. */
function* arrayElements(input: Iterable<Buffer>, p: FileProblems): Generator<Located<string>, void, undefined> {
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let closed = false;
  /** The element in progress: its parts from earlier blocks, where it starts in this block, its line. */
  let parts: Buffer[] = [];
  let from = -1;
  let startLine = 0;
  const finish = (block: Buffer, end: number): Located<string> => {
    parts.push(block.subarray(from, end));
    const value = Buffer.concat(parts).toString('utf8').trim();
    parts = [];
    from = -1;
    return { line: startLine, value };
  };
  for (const block of input) {
    if (startLine !== 0) from = 0;
    for (let i = 0; i < block.length; i++) {
      const c = block[i];
      if (c === 10) line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92) escaped = true;
        else if (c === 34) inString = false;
        continue;
      }
      if (c <= 32) continue;
      if (closed) return void p.at(line, 'text after the closing ] of the array');
      if (depth === 1 && (c === 44 || c === 93)) {
        if (startLine !== 0) yield finish(block, i);
        startLine = 0;
        if (c === 93) closed = true;
        depth -= c === 93 ? 1 : 0;
        continue;
      }
      if (depth === 1 && startLine === 0) {
        startLine = line;
        from = i;
      }
      if (c === 34) inString = true;
      else if (c === 91 || c === 123) depth++;
      else if (c === 93 || c === 125) depth--;
    }
    if (startLine !== 0) parts.push(Buffer.from(block.subarray(from)));
  }
  if (!closed) p.at(line, 'the JSON array is not closed (is the file cut short?)');
}
