import type { ProtocolClient } from './types.js';
import { openaiChat } from './openai-chat.js';
import { openaiCompletions } from './openai-completions.js';
import { openaiResponses } from './openai-responses.js';
import { anthropicMessages } from './anthropic-messages.js';
import { gemini } from './gemini.js';
import { tgi } from './tgi.js';
import { ollama } from './ollama.js';
import { bedrock } from './bedrock.js';

/** Every API `--api` accepts. Adding a protocol: one file, one line here. */
export const PROTOCOLS: Readonly<Record<string, ProtocolClient>> = {
  [openaiChat.name]: openaiChat,
  [openaiCompletions.name]: openaiCompletions,
  [openaiResponses.name]: openaiResponses,
  [anthropicMessages.name]: anthropicMessages,
  [gemini.name]: gemini,
  [tgi.name]: tgi,
  [ollama.name]: ollama,
  [bedrock.name]: bedrock,
};

export const API_NAMES = Object.keys(PROTOCOLS);

export function protocolFor(name: string): ProtocolClient {
  const p = PROTOCOLS[name];
  if (!p) throw new Error(`unknown api '${name}' (one of: ${API_NAMES.join(', ')})`);
  return p;
}
