import type { ChatMessage } from '../../tokenize/chat-template.js';

/**
 * One API's wire shape in the simulator. The engine decides *when* text is due; a format only decides
 * *how it looks on the wire*: text of a chunk in, bytes out. Wrappers (faults, timestamps, several
 * tokens per chunk) compose around it without knowing the protocol.
 */

/** Reasoning text goes out in each API's own reasoning shape; APIs without one send it as text. */
export type ChunkKind = 'reasoning' | 'output';

/** What the simulator needs from one request, read by the API's format. */
export interface SimRequest {
  model: string;
  /** Prompt text, to count the input tokens (chat APIs: every message's text, one per line). */
  prompt: string;
  /** Chat APIs: the messages, for a chat template to render as the server would; null for text prompts. */
  messages: ChatMessage[] | null;
  maxTokens: number;
  stream: boolean;
  /** OpenAI's `stream_options.include_usage`; the other APIs always send usage. */
  includeUsage: boolean;
  /** vLLM's `stream_options.continuous_usage_stats`: usage in every chunk (OpenAI formats only). */
  perChunkUsage: boolean;
}

/** Counts as the server reports them: output includes the reasoning tokens, as every API counts them. */
export interface SimUsage {
  input: number;
  output: number;
  reasoning: number;
  /** Prompt tokens served from the prefix cache (part of `input`). */
  cached: number;
}

/** How a generation ends, known up front: the engine generates exactly the planned tokens. */
export interface SimEnding {
  usage: SimUsage;
  /** Each format names it its own way (length: max_tokens, MAX_TOKENS, ...; stop: end_turn, STOP, ...). */
  finish: 'length' | 'stop';
}

/** Per-chunk additions only some formats carry; the others ignore them. */
export interface ChunkExtras {
  /** sim --stamp (bench mode): the send time, as `"sim_ns":<ns>` (OpenAI chat and completions). */
  stampNs?: bigint;
  /** Usage so far, when `perChunkUsage` was asked for (OpenAI chat and completions). */
  usage?: SimUsage;
}

/** One streaming response. Stateful: it emits block/item boundaries when the kind changes. */
export interface SimStream {
  /** Frames before the first token (role chunk, message_start, response.created, ...). */
  head(): Buffer;
  chunk(text: string, kind: ChunkKind, extras?: ChunkExtras): Buffer;
  /** The last chunk together with whatever ends the stream (finish, usage, terminator). */
  end(text: string, kind: ChunkKind, extras?: ChunkExtras): Buffer;
}

export interface SimFormat {
  /** The `--api` name of the matching client. */
  readonly api: string;
  /** Whether the API has a reasoning field; without one the simulator plans no reasoning phase. */
  readonly reasoning: boolean;
  readonly streamContentType: string;
  /** Reads a parsed request body (and the URL, for APIs that put the model or mode there), or says what is wrong. */
  read(body: any, url: URL): SimRequest | string;
  stream(req: SimRequest, ending: SimEnding): SimStream;
  /** A whole non-streaming response body. */
  whole(req: SimRequest, text: Record<ChunkKind, string>, ending: SimEnding): string;
  /** This API's error body. */
  error(status: number, message: string): string;
}

/** Output tokens asked for, or the API's default when absent; a string when invalid. */
export function maxTokens(value: unknown, flag: string, fallback: number): number | string {
  const v = value ?? fallback;
  return Number.isInteger(v) && (v as number) >= 1 ? (v as number) : `'${flag}' must be a positive integer`;
}

export function simId(prefix: string): string {
  return `${prefix}${Math.random().toString(36).slice(2, 14)}`;
}

/** Message-style prompts (chat, anthropic, ollama): the text of every message. */
export function messagesText(messages: any[]): string {
  return messages.map(contentText).join('\n');
}

function contentText(m: any): string {
  return typeof m?.content === 'string' ? m.content : JSON.stringify(m?.content ?? '');
}

/** The messages as a chat template sees them (`system`: Anthropic's top-level system prompt). */
export function chatMessages(messages: any[], system?: unknown): ChatMessage[] {
  const out: ChatMessage[] = typeof system === 'string' && system !== '' ? [{ role: 'system', content: system }] : [];
  for (const m of messages) out.push({ role: m?.role === 'system' || m?.role === 'assistant' ? m.role : 'user', content: contentText(m) });
  return out;
}
