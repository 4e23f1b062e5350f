import { KEPT_CHARS } from '../transport/redact.js';

/**
 * Cheap field scans over one JSON event text, so the per-token path does not JSON.parse every chunk.
 * Sound because a JSON string cannot contain an unescaped quote: the byte sequence `"key":"` only
 * occurs as a real key followed by a string value.
 */

/** Index just past `"key":"` (tolerating one space after the colon), searching from `from`, or -1. */
export function stringValueStart(json: string, quotedKeyColon: string, from = 0): number {
  const at = json.indexOf(quotedKeyColon, from);
  if (at === -1) return -1;
  let i = at + quotedKeyColon.length;
  if (json.charCodeAt(i) === 32) i++;
  return json.charCodeAt(i) === 34 /* " */ ? i + 1 : -1;
}

/** True when `"key":"<at least one char>` is present. */
export function hasNonEmptyString(json: string, quotedKeyColon: string): boolean {
  const s = stringValueStart(json, quotedKeyColon);
  return s !== -1 && json.charCodeAt(s) !== 34;
}

/** Decodes the string value starting at `start` (just past its opening quote). */
export function readStringAt(json: string, start: number): string {
  let i = start;
  let escaped = false;
  for (; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (escaped) escaped = false;
    else if (c === 92 /* \ */) escaped = true;
    else if (c === 34) break;
  }
  const raw = json.slice(start, i);
  return raw.indexOf('\\') === -1 ? raw : (JSON.parse(`"${raw}"`) as string);
}

export function readString(json: string, quotedKeyColon: string, from = 0): string | null {
  const s = stringValueStart(json, quotedKeyColon, from);
  return s === -1 ? null : readStringAt(json, s);
}

export function tryParse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

export function errorMessage(obj: unknown): string {
  if (obj && typeof obj === 'object') {
    const e = (obj as Record<string, unknown>).error ?? obj;
    if (typeof e === 'string') return e;
    if (e && typeof e === 'object') {
      const m = (e as Record<string, unknown>).message;
      if (typeof m === 'string') return m;
    }
  }
  return JSON.stringify(obj).slice(0, KEPT_CHARS);
}
