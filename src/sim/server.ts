import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimOptions } from './options.js';
import { SimEngine } from './engine.js';
import { requestTimer, SimMetrics } from './metrics.js';
import { seededRandom } from '../schedule/random.js';
import { formatFor } from './formats/index.js';
import { openAiError } from './formats/openai.js';
import type { ChunkExtras, ChunkKind, SimEnding, SimFormat, SimRequest, SimUsage } from './formats/types.js';
import { askedNumber } from '../workload/number-questions.js';
import { tokenText } from './text.js';
import { PrefixCache } from './prefix-cache.js';
import { promptReader, type ReadPrompt } from './prompt-reader.js';
import { answerPieces } from './answer-pieces.js';
import { chunker, parseChunkSizes, planStream } from './stream-plan.js';
import { parseFaults, withFaults } from './faults.js';

export interface SimServer {
  /** Base URL clients use, e.g. http://127.0.0.1:8000/v1 */
  url: string;
  port: number;
  engine: SimEngine;
  /** What GET /metrics serves (vLLM's names). */
  metrics: SimMetrics;
  close(): Promise<void>;
}

const MAX_BODY = 16 * 1024 * 1024;

/** Starts the simulated endpoint on loopback (or `host`); port 0 picks a free one. */
export async function startSim(options: SimOptions, port = 0, host = '127.0.0.1'): Promise<SimServer> {
  const engine = new SimEngine(options);
    // one stream of draws for the whole process: a run's chunk sizes follow from --seed and the arrival order
  const rand = seededRandom(options.seed);
  const readPrompt = await promptReader(options.tokenizer, options.chatTemplate, options.prefixBlockTokens);
  const cache = options.prefixCacheTokens > 0 ? new PrefixCache(options.prefixCacheTokens, options.prefixBlockTokens) : null;
  const metrics = new SimMetrics(engine, { model: options.model, prefixCache: cache !== null });
  const faults = parseFaults(options.faults);
  if ('problem' in faults) throw new Error(`simulator faults: ${faults.problem}`);
  const ctx: ServeContext = { engine, metrics, o: options, rand, readPrompt, cache, pieces: await answerPieces(options.tokenizer) };
  const server = createServer({ keepAliveTimeout: 30_000 }, withFaults((req, res) => route(ctx, req, res), faults.plan, options.seed));
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const hostPart = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${hostPart}:${addr.port}/v1`,
    port: addr.port,
    engine,
    metrics,
    close: () => closeServer(server, engine),
  };
}

function closeServer(server: Server, engine: SimEngine): Promise<void> {
  engine.close();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** What serving a request needs, the same for every request of the server. */
interface ServeContext {
  engine: SimEngine;
  /** What GET /metrics serves. */
  metrics: SimMetrics;
  o: SimOptions;
  /** One stream of draws for the whole process. */
  rand: () => number;
  /** Prompt tokens as the server reports them in usage (a real tokenizer, so a matched client agrees) and their cache blocks. */
  readPrompt: (r: SimRequest) => ReadPrompt;
  cache: PrefixCache | null;
  /** An answer text cut into its tokens, one decode step each. */
  pieces: (text: string) => string[];
}

function route(ctx: ServeContext, req: IncomingMessage, res: ServerResponse): void {
  const o = ctx.o;
  const url = new URL(req.url ?? '/', 'http://sim');
  const path = url.pathname;
  if (req.method === 'GET' && path === '/metrics') return send(res, 200, ctx.metrics.render(), 'text/plain; version=0.0.4; charset=utf-8');
  if (req.method === 'GET' && (path === '/health' || path.endsWith('/models'))) {
    return json(res, 200, path === '/health' ? { status: 'ok' } : { object: 'list', data: [{ id: o.model, object: 'model' }] });
  }
  const format = formatFor(path);
  if (req.method !== 'POST' || !format) return send(res, 404, openAiError(404, `no route for ${req.method} ${path}`, 'not_found_error'));
  readBody(req, (err, text) => {
    if (err) return send(res, 413, format.error(413, err.message));
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      return send(res, 400, format.error(400, 'request body is not valid JSON'));
    }
    const r = body && typeof body === 'object' ? format.read(body, url) : 'body must be a JSON object';
    if (typeof r === 'string') return send(res, 400, format.error(400, r));
    if (typeof r.model !== 'string' || r.model === '') r.model = o.model;
    serve(ctx, format, r, res);
  });
}

/**
 * The plan (reasoning phase, chunk sizes, early stop, usage skew) is the same for every API; the format
 * shapes the bytes. The prefix cache is looked up when the request arrives (its hit decides the prefill
 * time and the cached count its usage reports) and fed once its prefill is done (the first token).
 */
function serve(ctx: ServeContext, format: SimFormat, r: SimRequest, res: ServerResponse): void {
  const { engine, metrics, o, rand, cache } = ctx;
  const prompt = ctx.readPrompt(r);
  const input = prompt.tokens;
  const cached = cache ? cache.match(prompt.blocks, input) : 0;
  if (cache) metrics.prefixCacheLookup(input, cached);
  const prefilled = (j: number) => {
    if (j === 0) cache?.insert(prompt.blocks);
  };
  const plan = planStream(r.maxTokens, o, format.reasoning);
  const timed = requestTimer(metrics, input, () => plan.finish);
  const usage = (n: number): SimUsage => {
    const output = plan.reported(n);
    return { input, output, reasoning: Math.min(output, plan.reasoning), cached };
  };
  const ending: SimEnding = { usage: usage(plan.total), finish: plan.finish };
  const kind = (j: number): ChunkKind => (j < plan.reasoning ? 'reasoning' : 'output');
  const answer = correctnessAnswer(r.prompt, o.wrongAnswers, rand);
  // the first answer tokens are the number a correctness prompt asks for, one token of it per decode step
  // (' 1234' is 5 tokens under llama2), so usage counts what a client's tokenizer finds in the text
  const pieces = answer === null ? [] : ctx.pieces(answer);
  const word = (j: number): string => pieces[j - plan.reasoning] ?? tokenText(j);
  let cancel: () => void;
  if (r.stream) {
    const frames = format.stream(r, ending);
    const chunks = chunker(parseChunkSizes(o.tokensPerChunk)!, rand, plan);
    res.writeHead(200, { 'content-type': format.streamContentType, 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    const head = frames.head();
    if (head.length) res.write(head);
    let text = '';
    cancel = engine.submit({
      inputTokens: input,
      cachedTokens: cached,
      outputTokens: plan.total,
      onToken(j, last) {
        prefilled(j);
        timed(j, last);
        text += word(j);
        if (!chunks.add(j)) return;
        const extras: ChunkExtras | undefined = o.stamp || r.perChunkUsage ? { stampNs: o.stamp ? process.hrtime.bigint() : undefined, usage: r.perChunkUsage ? usage(j + 1) : undefined } : undefined;
        const chunkText = text;
        text = '';
        if (!last) return void res.write(frames.chunk(chunkText, kind(j), extras));
        res.end(frames.end(chunkText, kind(j), extras));
      },
    });
  } else {
    const text: Record<ChunkKind, string> = { reasoning: '', output: '' };
    cancel = engine.submit({
      inputTokens: input,
      cachedTokens: cached,
      outputTokens: plan.total,
      onToken(j, last) {
        prefilled(j);
        timed(j, last);
        text[kind(j)] += word(j);
        if (last) send(res, 200, format.whole(r, text, ending));
      },
    });
  }
  res.on('close', cancel);
}

/** ' 1234' for a correctness prompt asking for 1234 (a fraction `wrong` of the time ' 1235'); null for any other prompt. */
function correctnessAnswer(prompt: string, wrong: number, rand: () => number): string | null {
  const n = askedNumber(prompt);
  if (n === null) return null;
  return ` ${wrong > 0 && rand() < wrong ? n + 1 : n}`;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value));
}

function send(res: ServerResponse, status: number, text: string, type = 'application/json; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage, done: (err: Error | null, text: string) => void): void {
  const parts: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= MAX_BODY) parts.push(c);
  });
  req.on('end', () => (size > MAX_BODY ? done(new Error('request body too large'), '') : done(null, Buffer.concat(parts).toString('utf8'))));
  req.on('error', (e) => done(e, ''));
}
