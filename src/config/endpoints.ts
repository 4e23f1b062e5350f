import { readFileSync } from 'node:fs';
import { slug } from '../results/slug.js';
import { yamlData } from './yaml-data.js';

/** One entry of an endpoints file: where to send the workload and how to talk to it. Never holds a key. */
export interface EndpointSpec {
  name: string;
  url: string;
  api: string;
  model: string;
  /** The environment variable holding the API key (default: the protocol's own, e.g. OPENAI_API_KEY). */
  apiKeyEnv: string | null;
  headers: Record<string, string>;
  /** Merged into every request body (sampling parameters and the like), over the workload's own. */
  params: Record<string, unknown>;
}

const KEYS = ['name', 'url', 'api', 'model', 'api_key_env', 'headers', 'params'] as const;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reads and validates an endpoints file (a YAML list of `{name, url, api, model, api_key_env?, headers?,
 * params?}`): every problem is one line naming the file, the entry and the key.
 */
export function readEndpointsFile(path: string, apiNames: readonly string[]): { endpoints: EndpointSpec[] } | { problems: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { problems: [`--endpoints: cannot read '${path}' (${(e as NodeJS.ErrnoException).code ?? String(e)}); see leaderboard_data/endpoints.example.yaml`] };
  }
  const parsed = yamlData(text, path);
  if ('problems' in parsed) return parsed;
  const data = parsed.data;
  if (!Array.isArray(data) || data.length === 0) return { problems: [`${path}: must be a non-empty YAML list of endpoints ('- name: ...'); see leaderboard_data/endpoints.example.yaml`] };
  const problems: string[] = [];
  const endpoints = data.map((entry, i) => readEntry(entry, `${path}: endpoint ${i + 1}`, apiNames, problems));
  const seen = new Set<string>();
  const folders = new Map<string, string>();
  for (const e of endpoints) {
    if (e.name && seen.has(e.name)) problems.push(`${path}: name '${e.name}' is used twice; names label results folders and leaderboard rows, make them unique`);
    else if (e.name && folders.has(slug(e.name))) problems.push(`${path}: names '${folders.get(slug(e.name))}' and '${e.name}' share the results folder '${slug(e.name)}'; make them differ in letters or digits`);
    seen.add(e.name);
    folders.set(slug(e.name), folders.get(slug(e.name)) ?? e.name);
  }
  return problems.length ? { problems } : { endpoints };
}

function readEntry(entry: unknown, where: string, apiNames: readonly string[], problems: string[]): EndpointSpec {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
    problems.push(`${where}: must be a mapping with ${KEYS.join(', ')}`);
    return { name: '', url: '', api: '', model: '', apiKeyEnv: null, headers: {}, params: {} };
  }
  const o = entry as Record<string, unknown>;
  const at = typeof o.name === 'string' && o.name ? `${where} ('${o.name}')` : where;
  for (const k of Object.keys(o)) if (!(KEYS as readonly string[]).includes(k)) problems.push(`${at}: unknown key '${k}'; keys are ${KEYS.join(', ')}`);
  const str = (k: string, required: boolean): string | null => {
    const v = o[k];
    if (v === undefined || v === null) {
      if (required) problems.push(`${at}: '${k}' is required`);
      return null;
    }
    if (typeof v !== 'string' || !v.trim()) {
      problems.push(`${at}: '${k}' must be a non-empty string`);
      return null;
    }
    return v.trim();
  };
  const name = str('name', true) ?? '';
  const url = str('url', true) ?? '';
  if (url && !isHttpUrl(url)) problems.push(`${at}: url '${url}' is not an http(s) URL; write it with its scheme, e.g. http://127.0.0.1:8000/v1`);
  const api = str('api', false) ?? 'openai-chat';
  if (!apiNames.includes(api)) problems.push(`${at}: api '${api}' is unknown; use one of ${apiNames.join(', ')}`);
  const model = str('model', true) ?? '';
  const apiKeyEnv = str('api_key_env', false);
  if (apiKeyEnv && !ENV_NAME.test(apiKeyEnv)) problems.push(`${at}: api_key_env must name an environment variable (e.g. OPENAI_API_KEY), never hold the key itself`);
  return { name, url, api, model, apiKeyEnv, headers: stringMap(o.headers, `${at}: headers`, problems), params: objectMap(o.params, `${at}: params`, problems) };
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function objectMap(v: unknown, where: string, problems: string[]): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  problems.push(`${where}: must be a mapping of 'key: value' lines`);
  return {};
}

/** Header names lower-cased (as `--header` does); values must be scalars. */
function stringMap(v: unknown, where: string, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(objectMap(v, where, problems))) {
    if (typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean') out[k.toLowerCase()] = String(val);
    else problems.push(`${where}: '${k}' must be a string`);
  }
  return out;
}
