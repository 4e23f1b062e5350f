import type { FileProblems, Located } from '../input-file.js';

/** Each line parsed as a JSON object; a line that is not one is a problem. */
export function* jsonObjects(lines: Iterable<Located<string>>, p: FileProblems, example: string): Generator<Located<Record<string, unknown>>> {
  for (const { line, value } of lines) {
    let o: unknown;
    try {
      o = JSON.parse(value);
    } catch {
      o = undefined;
    }
    if (o && typeof o === 'object' && !Array.isArray(o)) yield { line, value: o as Record<string, unknown> };
    else p.at(line, `not a JSON object; write ${example}`);
    if (p.full) return;
  }
}

export function isCount(v: unknown, min = 1): v is number {
  return Number.isInteger(v) && (v as number) >= min;
}

export function isTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}
