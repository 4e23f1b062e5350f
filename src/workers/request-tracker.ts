import type { Distribution } from '../metrics/distribution.js';
import type { ErrorClass, Outcome, RequestRecord } from '../metrics/record.js';
import type { Series } from '../metrics/timeline.js';
import { BUCKET_MS } from '../metrics/timeline.js';
import type { ProtocolClient, ResponseDecoder, StreamSink, TokenUsage } from '../protocols/types.js';
import { classifyError } from '../transport/errors.js';
import type { TransportObserver } from '../transport/http.js';

const ERROR_BODY_BYTES = 500;

export interface TrackerInit {
  id: number;
  worker: number;
  scheduledMs: number;
  sentMs: number;
  requestedOutputTokens: number;
  warmup: boolean;
  stream: boolean;
  /** The prompt's client token count, carried into the record. */
  inputTokensClient: number | null;
  /** Keep the received text so the main thread can count it with the client tokenizer. */
  captureText: boolean;
}

/**
 * The life of one request: turns transport events and the protocol decoder's findings into one
 * RequestRecord. Per-token work is a few counter updates; everything else happens once, at the end.
 */
export class RequestTracker implements TransportObserver, StreamSink {
  readonly #init: TrackerInit;
  readonly #tokens: Series;
  readonly #onFinish: (r: RequestRecord) => void;
  readonly #decoder: ResponseDecoder;
  #status: number | null = null;
  #errorBody: Buffer[] | null = null;
  #errorBodyLen = 0;
  #retryAfter: string | null = null;
  #firstToken: number | null = null;
  #firstOutput: number | null = null;
  #lastChunk = 0;
  #chunks = 0;
  #chunkTokens = 0;
  #reasoningChunks = 0;
  /** Tokens the first chunk carried, when the server said (per-chunk usage). */
  #firstChunkTokens: number | null = null;
  #gapSum = 0;
  #gapMax = 0;
  #usage: TokenUsage | null = null;
  #finish: string | null = null;
  #done = false;
  #error: { cls: ErrorClass; message: string } | null = null;
  #finished = false;
  /** Received text pieces, only with captureText (joined once, at the end). */
  readonly #text: string[] = [];
  /** (bucket, tokens) pairs as received, to re-weight by the server's usage count at the end. */
  #runs: number[] = [];

  /** The worker's histogram of every gap between content chunks (null for warm-up requests). */
  readonly #interChunk: Distribution | null;

  constructor(init: TrackerInit, protocol: ProtocolClient, tokens: Series, onFinish: (r: RequestRecord) => void, interChunk: Distribution | null = null) {
    this.#init = init;
    this.#interChunk = init.warmup ? null : interChunk;
    this.#tokens = tokens;
    this.#onFinish = onFinish;
    this.#decoder = protocol.decoder(this, init.stream, init.captureText);
  }

  /** The received text (answer and reasoning), or null when it was not captured. */
  get text(): string | null {
    return this.#init.captureText ? this.#text.join('') : null;
  }

  get finished(): boolean {
    return this.#finished;
  }

  // --- TransportObserver ---
  onStatus(status: number, headers: Record<string, string | string[] | undefined>): void {
    this.#status = status;
    if (status < 200 || status >= 300) {
      this.#errorBody = [];
      const ra = headers['retry-after'];
      if (ra !== undefined) this.#retryAfter = String(ra);
    }
  }

  onData(chunk: Buffer, atMs: number): void {
    if (this.#errorBody) {
      if (this.#errorBodyLen < ERROR_BODY_BYTES) {
        this.#errorBody.push(chunk);
        this.#errorBodyLen += chunk.length;
      }
      return;
    }
    this.#decoder.push(chunk, atMs);
  }

  onEnd(atMs: number): void {
    if (this.#errorBody) return this.#finishHttpError(atMs);
    this.#decoder.end(atMs);
    if (!this.#error && !this.#done) {
      this.#error = { cls: 'stream_truncated', message: 'body ended without the protocol terminator' };
    }
    this.#complete(this.#error ? 'failed' : 'completed', atMs);
  }

  onError(err: Error, atMs: number): void {
    if (this.#finished) return;
    this.#error ??= classifyError(err);
    this.#complete(this.#error.cls === 'aborted' ? 'incomplete' : 'failed', atMs);
  }

  /** The run is over (drain timeout or interrupt): the request is recorded as incomplete. */
  abandon(atMs: number, reason: string): void {
    if (this.#finished) return;
    this.#error = { cls: 'aborted', message: reason };
    this.#complete('incomplete', atMs);
  }

  // --- StreamSink ---
  token(kind: 'output' | 'reasoning', atMs: number, tokens?: number, text?: string): void {
    const n = tokens ?? 1;
    if (text !== undefined) this.#text.push(text);
    if (this.#firstToken === null) {
      this.#firstToken = atMs;
      if (tokens !== undefined) this.#firstChunkTokens = tokens;
    } else {
      const gap = atMs - this.#lastChunk;
      this.#gapSum += gap;
      if (gap > this.#gapMax) this.#gapMax = gap;
      this.#interChunk?.record(gap);
    }
    if (kind === 'output') {
      if (this.#firstOutput === null) this.#firstOutput = atMs;
    } else this.#reasoningChunks += n;
    this.#lastChunk = atMs;
    this.#chunks++;
    this.#chunkTokens += n;
    const b = Math.floor(atMs / BUCKET_MS);
    this.#tokens.add(b, n);
    const last = this.#runs.length - 2;
    if (last >= 0 && this.#runs[last] === b) this.#runs[last + 1] += n;
    else this.#runs.push(b, n);
  }

  usage(u: TokenUsage): void {
    const merged: TokenUsage = { ...this.#usage };
    if (u.input !== undefined) merged.input = u.input;
    if (u.output !== undefined) merged.output = u.output;
    if (u.reasoning !== undefined) merged.reasoning = u.reasoning;
    this.#usage = merged;
  }

  finish(reason: string): void {
    this.#finish = reason;
  }

  done(): void {
    this.#done = true;
  }

  error(cls: ErrorClass, message: string): void {
    this.#error ??= { cls, message };
  }

  // --- end of life ---
  #finishHttpError(atMs: number): void {
    const status = this.#status ?? 0;
    const body = Buffer.concat(this.#errorBody ?? []).subarray(0, ERROR_BODY_BYTES).toString('utf8');
    const retry = this.#retryAfter !== null ? ` (retry-after: ${this.#retryAfter})` : '';
    this.#error = { cls: status === 429 ? 'rate_limited' : 'http_status', message: `HTTP ${status}${retry}: ${body}` };
    this.#complete('failed', atMs);
  }

  #complete(outcome: Outcome, atMs: number): void {
    if (this.#finished) return;
    this.#finished = true;
    const usageOut = this.#usage?.output;
    const fromUsage = usageOut !== undefined && outcome === 'completed';
    const outputTokens = fromUsage ? usageOut! : this.#chunkTokens;
    if (fromUsage) this.#reweight(usageOut!, atMs);
    const init = this.#init;
    this.#onFinish({
      id: init.id,
      worker: init.worker,
      outcome,
      warmup: init.warmup,
      scheduled_ms: init.scheduledMs,
      sent_ms: init.sentMs,
      first_token_ms: this.#firstToken,
      first_output_ms: this.#firstOutput,
      end_ms: atMs,
      http_status: this.#status,
      error_class: this.#error?.cls ?? null,
      error_message: this.#error?.message ?? null,
      finish_reason: this.#finish,
      output_tokens: outputTokens,
      output_tokens_source: fromUsage ? 'usage' : 'chunks',
      reasoning_tokens: this.#usage?.reasoning ?? this.#reasoningChunks,
      input_tokens: this.#usage?.input ?? null,
      chunks: this.#chunks,
      chunk_gap_sum_ms: this.#gapSum,
      chunk_gap_max_ms: this.#gapMax,
      requested_output_tokens: init.requestedOutputTokens,
      first_chunk_tokens: this.#firstChunkTokens,
      input_tokens_client: init.inputTokensClient,
      // counted by the main thread from `text`, off the workers' send path
      output_tokens_client: null,
    });
  }

  /** When the server's count differs from the chunks seen (multi-token chunks), spread the difference
   *  over the buckets where chunks arrived, in proportion, so the token timeline sums to usage. */
  #reweight(usageOut: number, atMs: number): void {
    const seen = this.#chunkTokens;
    if (usageOut === seen) return;
    if (seen === 0) return this.#tokens.add(Math.floor(atMs / BUCKET_MS), usageOut);
    const factor = usageOut / seen - 1;
    for (let i = 0; i < this.#runs.length; i += 2) this.#tokens.add(this.#runs[i], this.#runs[i + 1] * factor);
  }
}
