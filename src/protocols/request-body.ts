import type { ChatMessage } from '../tokenize/chat-template.js';
import type { RequestSpec } from './types.js';
/** Helpers every protocol's request builder shares. */

/**
 * The body with `params` (--sampling-params) merged in deeply, so `{"generationConfig":{"temperature":0}}`
 * adds to the generation settings the protocol already set instead of replacing them.
 */
export function jsonBody(base: Record<string, unknown>, params: Record<string, unknown>): string {
  return JSON.stringify(deepMerge(base, params));
}

function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(extra)) out[k] = isPlainObject(out[k]) && isPlainObject(v) ? deepMerge(out[k], v) : v;
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function bearer(apiKey: string | undefined): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (apiKey) h.authorization = `Bearer ${apiKey}`;
  return h;
}

/** vLLM, SGLang and llama.cpp's OpenAI routes accept these, so a drawn output length is really reached. */
export function exactLength(spec: RequestSpec): Record<string, unknown> {
  return spec.exactOutput ? { min_tokens: spec.maxTokens, ignore_eos: true } : {};
}

/** The conversation a chat API sends: the spec's messages, or one user message holding the prompt. */
export function chatMessages(spec: RequestSpec): readonly ChatMessage[] {
  return spec.messages ?? [{ role: 'user', content: spec.prompt }];
}

/** For APIs that take the system prompt apart (Anthropic, Gemini, Bedrock): it, and the other messages. */
export function splitSystem(spec: RequestSpec): { system: string | null; rest: ChatMessage[] } {
  const all = chatMessages(spec);
  const system = all.filter((m) => m.role === 'system').map((m) => m.content);
  return { system: system.length ? system.join('\n\n') : null, rest: all.filter((m) => m.role !== 'system') };
}
