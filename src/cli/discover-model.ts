import { urlCredentials } from '../transport/endpoint.js';
import type { Dispatcher } from 'undici';
import { undici } from '../transport/undici-lib.js';
import { proxyFor } from '../transport/proxy.js';
import { escapeControls, redactor } from '../transport/redact.js';
import { text, type CliArgs } from './args.js';

/** APIs whose servers list their models at `<endpoint>/models` (OpenAI's shape: `{data: [{id}]}`). */
const LISTS_MODELS = new Set(['openai-chat', 'openai-completions', 'openai-responses']);
const TIMEOUT_MS = 5_000;

/**
 * `--model` left out against an OpenAI-compatible endpoint: the one model its `/models` lists (a vLLM,
 * SGLang or llama.cpp server serves one), so `--endpoint URL` alone is a run. Several models: a problem
 * line naming them; no answer: null, and the usual "--model: required" stands.
 */
export async function discoverModel(argv: CliArgs): Promise<{ model: string } | { problem: string } | null> {
  const endpoint = text(argv, 'endpoint');
  const api = text(argv, 'api') ?? 'openai-chat';
  if (!endpoint || text(argv, 'model') || !LISTS_MODELS.has(api)) return null;
  let url: URL;
  let authorization: string | null;
  try {
    const plain = urlCredentials(endpoint);
    url = new URL(plain.url);
    authorization = plain.authorization;
  } catch {
    return null;
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/models`;
  const shown = `${url.origin}${url.pathname.replace(/\/models$/, '')}`;
  const key = process.env[text(argv, 'api-key-env') ?? 'OPENAI_API_KEY'];
  const proxy = proxyFor(url.origin, process.env);
  const dispatcher: Dispatcher | undefined = proxy ? new (undici().ProxyAgent)({ uri: proxy.url, proxyTunnel: url.protocol === 'https:' }) : undefined;
  try {
    const res = await undici().request(url, { headers: authorization ? { authorization } : key ? { authorization: `Bearer ${key}` } : {}, dispatcher, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS, signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return null;
    }
    const body = (await res.body.json()) as { data?: { id?: unknown }[] };
    const ids = (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string' && id !== '');
    return pickModel(ids, shown, redactor([key, authorization ?? undefined]));
  } catch {
    return null;
  } finally {
    await dispatcher?.close().catch(() => undefined);
  }
}

/** The one model listed, unless it carries a secret (it would be saved as the run's model); else the names, hidden and escaped. */
function pickModel(ids: string[], shown: string, redact: (text: string) => string): { model: string } | { problem: string } | null {
  const named = ids.map((id) => JSON.stringify(escapeControls(redact(id))));
  if (ids.length === 1 && redact(ids[0]) === ids[0]) return { model: ids[0] };
  if (ids.length === 1) return { problem: `--model: required: the one model ${shown} lists (${named[0]}) holds a secret of this run; name the model` };
  if (ids.length > 1) return { problem: `--model: required: ${shown} serves ${ids.length} models (${named.slice(0, 8).join(', ')}${ids.length > 8 ? ', ...' : ''}); name one` };
  return null;
}
