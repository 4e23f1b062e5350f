import { readFileSync } from 'node:fs';
import { closest, distance } from 'fastest-levenshtein';
import { yamlData } from '../config/yaml-data.js';
import { WORKLOAD_KEY_NAMES } from './keys.js';

/**
 * Reads a workload file: a YAML mapping whose keys are the CLI flag names. Problems (unreadable file,
 * YAML syntax with its line, not a mapping, unknown keys with a suggestion) are one line each.
 * Value types are checked where the file is merged with the flags (`resolveWorkload`).
 */
export function readWorkloadFile(path: string, problems: string[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`--workload: cannot read '${path}' (${(err as NodeJS.ErrnoException).code ?? String(err)}); give the path of a YAML workload file, e.g. workloads/auto-testing.yaml`);
    return {};
  }
  const parsed = yamlData(text, path);
  if ('problems' in parsed) {
    problems.push(...parsed.problems);
    return {};
  }
  const data = parsed.data;
  // an empty file (or only comments) would silently run every default: 120 s at 10 req/s
  if (data === null || data === undefined || (typeof data === 'object' && !Array.isArray(data) && Object.keys(data).length === 0)) {
    problems.push(`${path}: holds no settings; write 'key: value' lines whose keys are the CLI flag names (rate: 10, duration: 120s, ...), e.g. workloads/auto-testing.yaml`);
    return {};
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    problems.push(`${path}: must be a mapping of 'key: value' lines whose keys are the CLI flag names (rate, duration, ...)`);
    return {};
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if ((WORKLOAD_KEY_NAMES as string[]).includes(key)) out[key] = value;
    else problems.push(`${path}: unknown key '${key}'${suggestion(key)}`);
  }
  return out;
}

function suggestion(key: string): string {
  const kebab = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/_/g, '-');
  const best = closest(kebab, WORKLOAD_KEY_NAMES);
  const close = distance(kebab, best) <= Math.max(2, Math.floor(best.length / 3));
  return close ? `; did you mean '${best}'?` : `; keys are ${WORKLOAD_KEY_NAMES.join(', ')}`;
}
