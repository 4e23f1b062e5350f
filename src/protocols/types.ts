import type { ErrorClass } from '../metrics/record.js';
import type { ChatMessage } from '../tokenize/chat-template.js';
import type { HttpRequest, Transport } from '../transport/types.js';

/** What one request asks for; built by the worker from the workload, identical for every protocol. */
export interface RequestSpec {
  model: string;
  /** The prompt as one text: what text APIs (completions, TGI) send, and chat APIs when `messages` is absent. */
  prompt: string;
  /** A conversation (system prompt, history, the new user message): what chat APIs send instead of `prompt`. */
  messages?: readonly ChatMessage[];
  maxTokens: number;
  /** Ask the server to produce exactly maxTokens (vLLM/SGLang/llama.cpp: min_tokens + ignore_eos). */
  exactOutput?: boolean;
  stream: boolean;
  /** Extra body fields merged last (sampling parameters, per-endpoint params). */
  params: Record<string, unknown>;
}

export interface TokenUsage {
  input?: number;
  output?: number;
  reasoning?: number;
  /** Prompt tokens the server served from its prefix cache (included in `input`). */
  cached?: number;
}

/**
 * Where a decoder reports what it recognised. Every call carries the arrival time of the socket chunk
 * the event came in (stamped once by the transport, before any parsing).
 */
export interface StreamSink {
  /** A chunk carrying generated text; `tokens` only when the server says how many (per-chunk usage). */
  token(kind: 'output' | 'reasoning', atMs: number, tokens?: number, text?: string): void;
  /** Usage may come in parts (Anthropic: input first, output last): an undefined field keeps its value. */
  usage(u: TokenUsage): void;
  finish(reason: string): void;
  /** The protocol's own terminator ([DONE], message_stop, response.completed, ...). */
  done(atMs: number): void;
  /** An error reported inside a 2xx body, or a body that does not parse. */
  error(cls: ErrorClass, message: string): void;
}

/** Turns one response body into sink calls. One instance per request. */
export interface ResponseDecoder {
  push(chunk: Buffer, atMs: number): void;
  /** The body ended. */
  end(atMs: number): void;
}

/** Every API `--api` accepts, in the order help lists them; `registry.ts` must map each to its client (the compiler checks). */
export const API_NAMES = ['openai-chat', 'openai-completions', 'openai-responses', 'anthropic-messages', 'gemini', 'tgi', 'ollama', 'bedrock'] as const;
export type ApiName = (typeof API_NAMES)[number];

/** One API dialect. Adding a protocol = one file implementing this, its name in `API_NAMES`, one registry line. */
export interface ProtocolClient {
  readonly name: ApiName;
  /** Path prefix of the API's base URL as its servers publish it ('/v1', '/v1beta', ''): where the
   *  built-in simulator is addressed, and what `--endpoint` is expected to end with. */
  readonly basePath: string;
  /** Env var read for the key when the user names none. */
  readonly defaultApiKeyEnv: string;
  /** Whether a missing key is an error before the run (hosted-only APIs) or fine (self-hosted). */
  readonly requiresApiKey: boolean;
  request(spec: RequestSpec, apiKey: string | undefined): HttpRequest;
  decoder(sink: StreamSink, stream: boolean, captureText?: boolean): ResponseDecoder;
  /**
   * Only for APIs reached through a vendor SDK rather than our HTTP transport (Bedrock): opens the
   * SDK client once per worker. Its sender reports through the same observer as the HTTP transports,
   * handing each SDK event to the observer as bytes the protocol's own decoder reads, stamped as the
   * event arrives; so decoding, timing and error classification stay one path.
   */
  connect?(settings: ConnectSettings): Transport;
  /** SDK-backed APIs: the endpoint when `--endpoint` is absent (the simulator does not speak them). */
  defaultEndpoint?(region: string): string;
}

/** What an SDK-backed protocol needs to open its client. */
export interface ConnectSettings {
  /** `--endpoint` when given (a VPC endpoint, a local stub), else the SDK's default for the region. */
  endpoint: string | null;
  region: string | null;
  /** A key from --api-key-env, when the API accepts one beside its SDK's own credential chain. */
  apiKey: string | undefined;
  requestTimeoutMs: number;
}
