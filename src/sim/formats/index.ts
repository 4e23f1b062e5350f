import { anthropicFormat } from './anthropic.js';
import { geminiFormat, isGeminiPath } from './gemini.js';
import { ollamaFormat } from './ollama.js';
import { openAiChatFormat, openAiCompletionsFormat } from './openai.js';
import { openAiResponsesFormat } from './openai-responses.js';
import { tgiFormat } from './tgi.js';
import type { SimFormat } from './types.js';

/** Exact paths, as the real servers route (OpenAI-style paths with or without /v1, as vLLM and llama.cpp accept). */
const ROUTES: Record<string, SimFormat> = {
  '/v1/chat/completions': openAiChatFormat,
  '/chat/completions': openAiChatFormat,
  '/v1/completions': openAiCompletionsFormat,
  '/completions': openAiCompletionsFormat,
  '/v1/responses': openAiResponsesFormat,
  '/responses': openAiResponsesFormat,
  '/v1/messages': anthropicFormat,
  '/messages': anthropicFormat,
  '/generate_stream': tgiFormat,
  '/generate': tgiFormat,
  '/api/chat': ollamaFormat,
};

/** The API a request path belongs to, or null (a 404). */
export function formatFor(path: string): SimFormat | null {
  return ROUTES[path] ?? (isGeminiPath(path) ? geminiFormat : null);
}

/** Every API the simulator speaks, by `--api` name. */
export const SIM_APIS = [...new Set([...Object.values(ROUTES), geminiFormat].map((f) => f.api))];
