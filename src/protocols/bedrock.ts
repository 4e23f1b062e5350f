import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { HttpRequest, Transport, TransportObserver } from '../transport/types.js';
import { jsonLinesDecoder, parseEvent, wholeAnswer, wholeBodyDecoder } from './decoders.js';
import { jsonBody, splitSystem } from './request-body.js';
import { errorMessage } from './scan.js';
import type { ConnectSettings, ProtocolClient, ResponseDecoder, StreamSink, TokenUsage } from './types.js';

/** Like Anthropic's, Bedrock's inputTokens leaves out the prompt tokens read from or written to its cache. */
function bedrockUsage(u: any): TokenUsage | null {
  if (!u || typeof u !== 'object') return null;
  const parts = [u.inputTokens, u.cacheReadInputTokens, u.cacheWriteInputTokens].filter((n) => typeof n === 'number');
  return { input: parts.length ? parts.reduce((a: number, b: number) => a + b, 0) : undefined, output: u.outputTokens, cached: typeof u.cacheReadInputTokens === 'number' ? u.cacheReadInputTokens : undefined };
}

/** `/model/{id}/converse-stream` (the REST path of the API): the sender reads the model back from it. */
const PATH = /^\/model\/([^/]+)\/(converse-stream|converse)$/;

/**
 * Amazon Bedrock ConverseStream through the official AWS SDK (credentials from the standard AWS chain,
 * or a Bedrock API key; region from --region / AWS_REGION). `request` builds the Converse REST body;
 * `connect` owns the transport: each SDK event is handed to the decoder as one JSON line, stamped as
 * the SDK yields it (after its event-stream decoding, the closest the SDK lets a client get).
 */
export const bedrock = {
  name: 'bedrock',
  basePath: '',
  defaultApiKeyEnv: 'AWS_BEARER_TOKEN_BEDROCK',
  requiresApiKey: false,
  defaultEndpoint: (region: string) => `https://bedrock-runtime.${region}.amazonaws.com`,
  request(spec) {
    const { system, rest } = splitSystem(spec);
    return {
      path: `/model/${encodeURIComponent(spec.model)}/${spec.stream ? 'converse-stream' : 'converse'}`,
      headers: { 'content-type': 'application/json' },
      body: jsonBody({ ...(system !== null && { system: [{ text: system }] }), messages: rest.map((m) => ({ role: m.role, content: [{ text: m.content }] })), inferenceConfig: { maxTokens: spec.maxTokens } }, spec.params),
    };
  },
  decoder: (sink, stream, captureText = false) => (stream ? streamDecoder(sink, captureText) : nonStreamDecoder(sink, captureText)),
  connect: (settings) => sdkTransport(settings),
} satisfies ProtocolClient;

type Sdk = typeof import('@aws-sdk/client-bedrock-runtime');

/** The SDK loads on first use, so every other protocol's start-up never pays for it. */
function sdkTransport(settings: ConnectSettings): Transport {
  const ready = import('@aws-sdk/client-bedrock-runtime').then((sdk) => {
    const client = new sdk.BedrockRuntimeClient({
      region: settings.region ?? undefined,
      endpoint: settings.endpoint ?? undefined,
      // a retry would hide the very latency and error being measured
      maxAttempts: 1,
      requestHandler: { requestTimeout: settings.requestTimeoutMs, disableConcurrentStreams: true },
      ...(settings.apiKey && { token: { token: settings.apiKey }, authSchemePreference: ['httpBearerAuth'] }),
    });
    return { sdk, client };
  });
  return {
    send(req, now, obs) {
      const ac = new AbortController();
      ready.then(({ sdk, client }) => converse(sdk, client, req, ac.signal, now, obs)).catch((e) => obs.onError(e, now()));
      return (reason) => ac.abort(reason);
    },
    close: () => ready.then(({ client }) => client.destroy()),
  };
}

async function converse(sdk: Sdk, client: BedrockRuntimeClient, req: HttpRequest, signal: AbortSignal, now: () => number, obs: TransportObserver): Promise<void> {
  const [, model, method] = PATH.exec(req.path) ?? [];
  const input = { modelId: decodeURIComponent(model), ...JSON.parse(req.body) };
  try {
    if (method === 'converse-stream') {
      const out = await client.send(new sdk.ConverseStreamCommand(input), { abortSignal: signal });
      obs.onStatus(out.$metadata.httpStatusCode ?? 200, {}, now());
      for await (const event of out.stream ?? []) obs.onData(Buffer.from(`${JSON.stringify(event)}\n`), now());
    } else {
      const out = await client.send(new sdk.ConverseCommand(input), { abortSignal: signal });
      const at = now();
      obs.onStatus(out.$metadata.httpStatusCode ?? 200, {}, at);
      obs.onData(Buffer.from(JSON.stringify(out)), at);
    }
    obs.onEnd(now());
  } catch (e) {
    rejected(e as any, signal, now(), obs);
  }
}

/** An error response (it has an HTTP status) goes the way of any HTTP error; the rest are transport errors. */
function rejected(e: any, signal: AbortSignal, at: number, obs: TransportObserver): void {
  const status = e?.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 300 && !signal.aborted) {
    obs.onStatus(status, {}, at);
    obs.onData(Buffer.from(`${e.name}: ${e.message}`), at);
    return obs.onEnd(at);
  }
  obs.onError(e instanceof Error ? e : new Error(String(e)), at);
}

/** Events: messageStart, contentBlockDelta (text or reasoningContent), contentBlockStop, messageStop, metadata. */
function streamDecoder(sink: StreamSink, captureText: boolean): ResponseDecoder {
  return jsonLinesDecoder((line, at) => {
    const ev = parseEvent(line, sink);
    if (ev === undefined) return;
    const delta = ev.contentBlockDelta?.delta;
    if (delta) return deltaToken(sink, delta, at, captureText);
    if (ev.messageStop) {
      if (typeof ev.messageStop.stopReason === 'string') sink.finish(ev.messageStop.stopReason);
      return sink.done(at);
    }
    if (ev.metadata) {
      const u = bedrockUsage(ev.metadata.usage);
      if (u) sink.usage(u);
      return;
    }
    const exception = Object.keys(ev).find((k) => k.endsWith('Exception'));
    if (exception) sink.error(exception === 'throttlingException' ? 'rate_limited' : 'server_error_event', `${exception}: ${errorMessage(ev[exception])}`);
  });
}

/** A reasoning signature (or redacted reasoning) carries no generated text. */
function deltaToken(sink: StreamSink, delta: any, at: number, captureText: boolean): void {
  if (typeof delta.text === 'string' && delta.text.length > 0) return sink.token('output', at, undefined, captureText ? delta.text : undefined);
  const reasoning = delta.reasoningContent?.text;
  if (typeof reasoning === 'string' && reasoning.length > 0) sink.token('reasoning', at, undefined, captureText ? reasoning : undefined);
}

function nonStreamDecoder(sink: StreamSink, captureText: boolean): ResponseDecoder {
  return wholeBodyDecoder(sink, (r, atMs) => {
    const text = { reasoning: '', output: '' };
    for (const block of r.output?.message?.content ?? []) {
      if (typeof block.text === 'string') text.output += block.text;
      else if (typeof block.reasoningContent?.reasoningText?.text === 'string') text.reasoning += block.reasoningContent.reasoningText.text;
    }
    wholeAnswer(sink, atMs, text, bedrockUsage(r.usage), captureText);
    if (typeof r.stopReason === 'string') sink.finish(r.stopReason);
    sink.done(atMs);
  });
}
