import type { ErrorClass } from '../metrics/record.js';

/** What one request asks for; built by the worker from the workload, identical for every protocol. */
export interface RequestSpec {
  model: string;
  prompt: string;
  maxTokens: number;
  stream: boolean;
  /** Extra body fields merged last (sampling parameters, per-endpoint params). */
  params: Record<string, unknown>;
}

export interface TokenUsage {
  input?: number;
  output?: number;
  reasoning?: number;
}

/**
 * Where a decoder reports what it recognised. Every call carries the arrival time of the socket chunk
 * the event came in (stamped once by the transport, before any parsing).
 */
export interface StreamSink {
  /** A chunk carrying generated text; `tokens` only when the server says how many (per-chunk usage). */
  token(kind: 'output' | 'reasoning', atMs: number, tokens?: number, text?: string): void;
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

export interface HttpRequest {
  /** Appended to the endpoint base URL's path. */
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** One API dialect. Adding a protocol = one file implementing this + one registry line. */
export interface ProtocolClient {
  readonly name: string;
  /** Env var read for the key when the user names none. */
  readonly defaultApiKeyEnv: string;
  /** Whether a missing key is an error before the run (hosted-only APIs) or fine (self-hosted). */
  readonly requiresApiKey: boolean;
  request(spec: RequestSpec, apiKey: string | undefined): HttpRequest;
  decoder(sink: StreamSink, stream: boolean, captureText?: boolean): ResponseDecoder;
}
