import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, ServerResponse } from 'node:http';
import { seededRandom } from '../schedule/random.js';

/**
 * Fault injection for the simulator, as a wrapper around its request handler, before any protocol
 * routing: protocol formatters stay unaware of it. Each POST draws one fault (or none) from a seeded
 * generator, in the order requests arrive. What a client sees, and the class this tool records:
 *
 *   refuse    socket destroyed before any response (a listening port cannot refuse) -> reset
 *   http500   HTTP 500 with a JSON error body                                      -> http_status
 *   429       HTTP 429 with `retry-after: 1`                                       -> rate_limited
 *   stall     a few frames, then silence with the connection open                  -> stall
 *   truncate  a few frames, then a clean end without the terminator              -> stream_truncated
 *   garbage   a malformed frame injected mid-stream                                -> parse
 *   reset     a few frames, then the socket destroyed                              -> reset
 *   error     an `error` event inside the 200 stream, then the end                 -> server_error_event
 *
 * Mid-stream faults act at the frame after FRAMES_BEFORE_FAULT writes, or at the end if the response
 * is shorter. Without streaming (one JSON body), truncate and garbage give a body that does not parse.
 */
export const FAULT_KINDS = ['refuse', 'http500', '429', 'stall', 'truncate', 'garbage', 'reset', 'error'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type FaultPlan = { kind: FaultKind; p: number }[];

const FRAMES_BEFORE_FAULT = 3;
const GARBAGE_FRAME = 'data: {"choices":[{"delta":{"content": <<garbage from the simulator>>\n\n';
const GARBAGE_JSON = '{"choices": <<garbage from the simulator>>';
const ERROR_EVENT = { error: { message: 'simulated error inside a 200 stream', type: 'server_error', code: 500 } };

/** Parses `refuse:0.05,http500:0.05,...`; one problem line (naming what is allowed) when it cannot. */
export function parseFaults(spec: string): { plan: FaultPlan } | { problem: string } {
  const plan: FaultPlan = [];
  for (const part of spec.split(',').map((x) => x.trim()).filter(Boolean)) {
    const [kind, p, ...rest] = part.split(':');
    const prob = Number(p);
    if (!(FAULT_KINDS as readonly string[]).includes(kind) || rest.length || p === undefined || p.trim() === '' || !(prob >= 0 && prob <= 1)) {
      return { problem: `'${part}' is not KIND:PROBABILITY with KIND one of ${FAULT_KINDS.join(', ')} and 0 <= PROBABILITY <= 1` };
    }
    plan.push({ kind: kind as FaultKind, p: prob });
  }
  const total = plan.reduce((t, f) => t + f.p, 0);
  if (total > 1 + 1e-9) return { problem: `probabilities add up to ${total}, more than 1` };
  return { plan };
}

/** Keeps fault draws apart from the simulator's other draws made from the same --seed. */
const FAULT_STREAM = 0x5eed_fa17;

/** A seeded draw per request: the same seed and request order give the same faults. */
export function faultPicker(plan: FaultPlan, seed: number): () => FaultKind | null {
  const rand = seededRandom(seed ^ FAULT_STREAM);
  return () => {
    let u = rand();
    for (const f of plan) {
      if (u < f.p) return f.kind;
      u -= f.p;
    }
    return null;
  };
}

/** Wraps `handler` so that POSTs fail as `plan` says; with an empty plan, returns `handler` itself. */
export function withFaults(handler: RequestListener, plan: FaultPlan, seed: number): RequestListener {
  if (plan.every((f) => f.p === 0)) return handler;
  const pick = faultPicker(plan, seed);
  return (req, res) => {
    const fault = req.method === 'POST' ? pick() : null;
    if (fault === null) return handler(req, res);
    if (fault === 'refuse') return void req.socket.destroy();
    if (fault === 'http500' || fault === '429') return respondError(req, res, fault);
    interceptMidStream(res, fault);
    handler(req, res);
  };
}

function respondError(req: IncomingMessage, res: ServerResponse, fault: 'http500' | '429'): void {
  req.resume();
  req.on('end', () => {
    const status = fault === '429' ? 429 : 500;
    const body = JSON.stringify({ error: { code: status, message: `simulated ${status}`, type: fault === '429' ? 'rate_limit_error' : 'server_error' } });
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(status === 429 ? { 'retry-after': '1' } : {}) });
    res.end(body);
  });
}

type MidStreamFault = Exclude<FaultKind, 'refuse' | 'http500' | '429'>;
type Chunk = string | Buffer;

/** Replaces `res.writeHead/write/end` on this one response so the fault happens at the chosen frame. */
function interceptMidStream(res: ServerResponse, fault: MidStreamFault): void {
  const write = res.write.bind(res) as (chunk: Chunk) => boolean;
  const end = res.end.bind(res) as (chunk?: Chunk) => ServerResponse;
  const writeHead = res.writeHead.bind(res) as (status: number, headers?: OutgoingHttpHeaders) => ServerResponse;
  let frames = 0;
  let pending: MidStreamFault | null = fault;
  /** After the fault, whatever the handler still writes goes nowhere. */
  let silenced = false;
  const strike = (chunk: Chunk | undefined, ending: boolean): void => {
    pending = null;
    const whole = frames === 0 && ending; // a non-streamed body: one write, at the end
    if (fault === 'garbage') {
      if (whole) return void end(GARBAGE_JSON);
      write(GARBAGE_FRAME);
      if (ending) end(chunk);
      else if (chunk !== undefined) write(chunk);
      return;
    }
    silenced = true;
    if (fault === 'reset') res.destroy();
    else if (fault === 'truncate') end(whole && chunk !== undefined ? String(chunk).slice(0, String(chunk).length >> 1) : undefined);
    else if (fault === 'error') end(whole ? JSON.stringify(ERROR_EVENT) : `event: error\ndata: ${JSON.stringify(ERROR_EVENT)}\n\n`);
    // stall: nothing more is written; the client's abort closes the connection
  };
  // the body changes length: let node frame it (chunked) instead of a now-wrong content-length
  (res as any).writeHead = (status: number, headers?: OutgoingHttpHeaders) => writeHead(status, withoutLength(headers));
  (res as any).write = (chunk: Chunk): boolean => {
    if (silenced) return true;
    if (pending && frames >= FRAMES_BEFORE_FAULT) {
      strike(chunk, false);
      return true;
    }
    frames++;
    return write(chunk);
  };
  (res as any).end = (chunk?: Chunk): ServerResponse => {
    if (silenced) return res;
    if (pending) strike(chunk, true);
    else end(chunk);
    return res;
  };
}

function withoutLength(headers: OutgoingHttpHeaders | undefined): OutgoingHttpHeaders | undefined {
  if (!headers) return headers;
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'content-length'));
}
