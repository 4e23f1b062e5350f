import { readFileSync } from 'node:fs';

export interface DatasetItem {
  prompt: string;
  /** max_tokens for this prompt; null: the run's --max-tokens / --mean-output-tokens. */
  outputTokens: number | null;
}

/** Reads a JSON-lines dataset; each bad line is one problem naming the file and line number. */
export function readDataset(path: string, label: string, problems: string[]): DatasetItem[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`${label}: cannot read '${path}' (${(err as NodeJS.ErrnoException).code ?? String(err)}); give a JSON-lines file of {"prompt": ...} objects`);
    return [];
  }
  const items: DatasetItem[] = [];
  const before = problems.length;
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const item = parseLine(line);
    if (typeof item === 'string') problems.push(`${path}:${i + 1}: ${item}`);
    else items.push(item);
  });
  if (items.length === 0 && problems.length === before) problems.push(`${label}: '${path}' holds no prompts; write one {"prompt": "..."} per line`);
  return items;
}

function parseLine(line: string): DatasetItem | string {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return 'not a JSON object; write {"prompt": "...", "output_tokens": 128} on one line';
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return 'not a JSON object; write {"prompt": "...", "output_tokens": 128} on one line';
  const { prompt, output_tokens: out } = o as Record<string, unknown>;
  if (typeof prompt !== 'string' || prompt === '') return '"prompt" must be a non-empty string';
  if (out !== undefined && !(Number.isInteger(out) && (out as number) > 0)) return `"output_tokens" must be an integer > 0, got ${JSON.stringify(out)}`;
  return { prompt, outputTokens: (out as number | undefined) ?? null };
}
