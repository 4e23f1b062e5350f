import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimOptions } from '../config/run-config.js';
import { SimEngine } from './engine.js';
import { seededRandom } from '../schedule/random.js';
import { openAiError, openAiFrames, openAiNonStream, tokenText, withUsage, type Dialect, type SimUsage } from './openai-format.js';
import { chunker, parseChunkSizes, planStream } from './stream-plan.js';

export interface SimServer {
  /** Base URL clients use, e.g. http://127.0.0.1:8000/v1 */
  url: string;
  port: number;
  engine: SimEngine;
  close(): Promise<void>;
}

const MAX_BODY = 16 * 1024 * 1024;

/** Exact paths, as real servers route (with or without the /v1 prefix, as vLLM and llama.cpp accept). */
const ROUTES: Record<string, Dialect> = {
  '/v1/chat/completions': 'chat',
  '/chat/completions': 'chat',
  '/v1/completions': 'completions',
  '/completions': 'completions',
};

/** Rough input token count (about 4 characters a token), enough for the prefill model. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Starts the simulated endpoint on loopback (or `host`); port 0 picks a free one. */
export async function startSim(options: SimOptions, port = 0, host = '127.0.0.1'): Promise<SimServer> {
  const engine = new SimEngine(options);
  // one stream of draws for the whole process: a run's chunk sizes follow from --seed and the arrival order
  const rand = seededRandom(options.seed);
  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => route(engine, options, rand, req, res));
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
    close: () => closeServer(server, engine),
  };
}

function closeServer(server: Server, engine: SimEngine): Promise<void> {
  engine.close();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function route(engine: SimEngine, o: SimOptions, rand: () => number, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && (path === '/health' || path.endsWith('/models'))) {
    return json(res, 200, path === '/health' ? { status: 'ok' } : { object: 'list', data: [{ id: o.model, object: 'model' }] });
  }
  const dialect = ROUTES[path] ?? null;
  if (req.method !== 'POST' || !dialect) return sendError(res, 404, `no route for ${req.method} ${path}`, 'not_found_error');
  readBody(req, (err, text) => {
    if (err) return sendError(res, 413, err.message);
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      return sendError(res, 400, 'request body is not valid JSON');
    }
    const problem = validate(dialect, body);
    if (problem) return sendError(res, 400, problem);
    serve(engine, o, rand, dialect, body, res);
  });
}

function validate(dialect: Dialect, body: any): string | null {
  if (!body || typeof body !== 'object') return 'body must be a JSON object';
  if (dialect === 'chat' && !Array.isArray(body.messages)) return "Expected 'messages' to be an array";
  if (dialect === 'completions' && typeof body.prompt !== 'string') return "Expected 'prompt' to be a string";
  const max = body.max_tokens ?? body.max_completion_tokens ?? 16;
  if (!Number.isInteger(max) || max < 1) return "'max_tokens' must be a positive integer";
  return null;
}

function promptText(dialect: Dialect, body: any): string {
  if (dialect === 'completions') return body.prompt;
  return body.messages.map((m: any) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''))).join('\n');
}

function serve(engine: SimEngine, o: SimOptions, rand: () => number, dialect: Dialect, body: any, res: ServerResponse): void {
  const plan = planStream(body.max_tokens ?? body.max_completion_tokens ?? 16, o, dialect === 'chat');
  const inputTokens = estimateTokens(promptText(dialect, body));
  const model = typeof body.model === 'string' ? body.model : o.model;
  const usage = (n: number): SimUsage => {
    const completion = plan.reported(n);
    return { prompt: inputTokens, completion, reasoning: Math.min(completion, plan.reasoning) };
  };
  if (body.stream === true) {
    const frames = openAiFrames(dialect, model, body.stream_options?.include_usage === true);
    const perChunkUsage = body.stream_options?.continuous_usage_stats === true;
    const chunks = chunker(parseChunkSizes(o.tokensPerChunk)!, rand, plan);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    const head = frames.head();
    if (head) res.write(head);
    let text = '';
    const cancel = engine.submit({
      inputTokens,
      outputTokens: plan.total,
      onToken(j, last) {
        text += tokenText(j);
        if (!chunks.add(j)) return;
        const frame = frames.token(text, o.stamp ? process.hrtime.bigint() : undefined, j < plan.reasoning);
        text = '';
        const out = perChunkUsage ? withUsage(frame, usage(j + 1)) : frame;
        res.write(last ? out + frames.tail(plan.finish, usage(plan.total)) : out);
        if (last) res.end();
      },
    });
    res.on('close', cancel);
    return;
  }
  const parts: string[] = [];
  const cancel = engine.submit({
    inputTokens,
    outputTokens: plan.total,
    onToken(j, last) {
      parts.push(tokenText(j));
      if (!last) return;
      const text = { reasoning: parts.slice(0, plan.reasoning).join(''), answer: parts.slice(plan.reasoning).join('') };
      send(res, 200, openAiNonStream(dialect, model, text, plan.finish, usage(plan.total)));
    },
  });
  res.on('close', cancel);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value));
}

function sendError(res: ServerResponse, status: number, message: string, type?: string): void {
  send(res, status, openAiError(status, message, type));
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
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
