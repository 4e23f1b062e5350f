/** Folder names a run id must not be: they name the results root itself or its parent. */
const RESERVED = new Set(['', '.', '..']);
/** Longest id: under NAME_MAX (255 bytes) with room for the temp files written beside summary.json. */
const MAX_ID_BYTES = 200;

/** Why `id` cannot name a run folder inside the results root (null: it can). */
export function runIdProblem(id: string): string | null {
  if (RESERVED.has(id)) return `'${id}' names no folder of its own`;
  if (/[/\\]/.test(id)) return `'${id}' holds a path separator; a run id names one folder inside --results-dir`;
  // C0 controls and DEL would reach the terminal and file listings raw
  if (/[\u0000-\u001f\u007f]/.test(id)) return `${JSON.stringify(id)} holds a control character`;
  if (Buffer.byteLength(id) > MAX_ID_BYTES) return `is ${Buffer.byteLength(id)} bytes long; keep it under ${MAX_ID_BYTES}`;
  return null;
}

/** UTC time to the millisecond, sortable as text: 20261203T051524.123Z. */
export function timeStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '');
}
