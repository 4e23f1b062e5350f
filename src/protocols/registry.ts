import { API_NAMES, type ApiName, type ProtocolClient } from './types.js';
import { openaiChat } from './openai-chat.js';
import { openaiCompletions } from './openai-completions.js';
import { openaiResponses } from './openai-responses.js';
import { anthropicMessages } from './anthropic-messages.js';
import { gemini } from './gemini.js';
import { tgi } from './tgi.js';
import { ollama } from './ollama.js';
import { bedrock } from './bedrock.js';

/** The client of every API `--api` accepts, under its own name. */
export const PROTOCOLS: Readonly<Record<ApiName, ProtocolClient>> = {
  [openaiChat.name]: openaiChat,
  [openaiCompletions.name]: openaiCompletions,
  [openaiResponses.name]: openaiResponses,
  [anthropicMessages.name]: anthropicMessages,
  [gemini.name]: gemini,
  [tgi.name]: tgi,
  [ollama.name]: ollama,
  [bedrock.name]: bedrock,
};

/** Narrows user input (a flag, a file's value) to an API this tool speaks. */
export function isApiName(name: string): name is ApiName {
  return (API_NAMES as readonly string[]).includes(name);
}

export function protocolFor(name: ApiName): ProtocolClient {
  return PROTOCOLS[name];
}
