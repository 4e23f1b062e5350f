import { performance } from 'node:perf_hooks';
import { watchLoopDelay } from '../metrics/loop-delay.js';
import { MeasurementError } from '../bench/measurement-error.js';
import type { RequestRecord } from '../metrics/record.js';
import { Distribution } from '../metrics/distribution.js';
import { Series, drainSparse } from '../metrics/timeline.js';
import { protocolFor } from '../protocols/registry.js';
import { realClock, type Clock } from '../schedule/clock.js';
import { ClosedLoop, shareOf } from '../schedule/closed-loop.js';
import { OpenLoopDispatcher, type Arrival } from '../schedule/dispatcher.js';
import { Waker } from '../schedule/waker.js';
import { workerStripe } from '../schedule/pacer.js';
import { pacerFrom } from '../schedule/pacers.js';
import { ConnectionPool } from '../transport/connections.js';
import { send, type Target } from '../transport/http.js';
import { warmTransport } from '../transport/warm-up.js';
import type { BatchMessage, ClosedLoopSpec, ControlMessage, Progress, TaskInput, WorkerFinal } from './messages.js';
import { RequestPlanner, type RequestPlan } from '../workload/request-plan.js';
import { RequestTracker } from './request-tracker.js';

const FLUSH_MS = 50;
/** Inter-chunk gaps in µs units (ms values). */
const INTER_CHUNK_SCALE = 1e3;
const FLUSH_RECORDS = 256;

/**
 * One long-lived piscina task per worker thread for the whole run: it owns stripe k of the global
 * schedule, its own connection pool, and streams finished records to the main thread in batches.
 */
export default async function runWorker(input: TaskInput): Promise<WorkerFinal> {
  const { settings: s, port, worker } = input;
  const loopDelay = watchLoopDelay();
  const elu0 = performance.eventLoopUtilization();
  // the schedule origin arrives with the start message, once every worker is ready
  const waker = new Waker();
  let clock: Clock = realClock(process.hrtime.bigint(), waker);
  const inFlightAll = new Int32Array(input.shared);
  const errors = s.measureError ? new MeasurementError() : null;
  const protocol = errors ? errors.wrap(protocolFor(s.api)) : protocolFor(s.api);
  const connections = new ConnectionPool(s.origin, { keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  const target: Target = {
    connections,
    origin: s.origin,
    basePath: s.basePath,
    headersTimeoutMs: s.headersTimeoutMs,
    bodyTimeoutMs: s.bodyTimeoutMs,
    extraHeaders: s.headers,
  };
  const own = protocol.connect?.({ endpoint: s.endpointGiven ? s.origin + s.basePath : null, region: s.region, apiKey: s.apiKey, requestTimeoutMs: s.bodyTimeoutMs });
  // warm the request path (module init, JIT) before the first arrival is due
  protocol.request({ model: s.model, prompt: s.prompt.text, maxTokens: s.maxTokens, stream: s.stream, params: s.params }, s.apiKey);
  const planner = await RequestPlanner.create(s.prompt, s.maxTokens);
  // prompts are built before t0 for a known schedule, never on the send path (closed loop: between requests)
  const promptStart = performance.now();
  const plans = new Map<number, RequestPlan>();
  if (!s.closedLoop) for (const a of workerStripe(pacerFrom(s.pacer), s.shard, worker, input.workers)) plans.set(a.index, planner.plan(a.index));
  let promptMs = performance.now() - promptStart;
  const planFor = (index: number): RequestPlan => {
    const ready = plans.get(index);
    if (ready) {
      plans.delete(index);
      return ready;
    }
    const start = performance.now();
    const plan = planner.plan(index);
    promptMs += performance.now() - start;
    return plan;
  };
  const live = new Map<number, { tracker: RequestTracker; abort: (e: Error) => void }>();
  const tokens = new Series();
  const interChunk = new Distribution(INTER_CHUNK_SCALE);
  const progress: Progress = { sent: 0, done: 0, failed: 0, dropped: 0, inFlight: 0 };
  let records: RequestRecord[] = [];
  let texts: (string | null)[] = [];
  let closedLoop: ClosedLoop | null = null;

  const flush = () => {
    if (records.length === 0 && tokens.length === 0) return;
    const msg: BatchMessage = { type: 'batch', worker, records, texts, tokens: drainSparse(tokens), progress: { ...progress, inFlight: live.size } };
    records = [];
    texts = [];
    port.postMessage(msg);
  };
  const emit = (r: RequestRecord, text: string | null = null) => {
    records.push(r);
    texts.push(text);
    if (r.outcome === 'completed') progress.done++;
    else if (r.outcome === 'dropped') progress.dropped++;
    else progress.failed++;
    if (records.length >= FLUSH_RECORDS) flush();
    closedLoop?.finished();
  };
  const flusher = setInterval(flush, FLUSH_MS);

  const fire = (a: Arrival) => {
    const plan = planFor(a.index);
    if (s.maxInFlight > 0 && Atomics.add(inFlightAll, 0, 1) >= s.maxInFlight) {
      Atomics.sub(inFlightAll, 0, 1);
      return emit(droppedRecord(a, worker, plan, a.dueMs < s.warmupMs));
    }
    const req = protocol.request(
      { model: s.model, prompt: plan.prompt, maxTokens: plan.maxTokens, exactOutput: plan.exact, stream: s.stream, params: s.params },
      s.apiKey,
    );
    const sentMs = clock.now();
    const tracker: RequestTracker = new RequestTracker(
      {
        // a closed loop has no schedule: the request is due when it is sent (its prompt may take a moment to build)
        id: a.index, worker, scheduledMs: s.closedLoop ? sentMs : a.dueMs, sentMs, requestedOutputTokens: plan.maxTokens, warmup: a.dueMs < s.warmupMs, stream: s.stream,
        inputTokensClient: plan.inputTokens, captureText: planner.tokenizer !== null,
      },
      protocol,
      tokens,
      (r) => {
        live.delete(a.index);
        if (s.maxInFlight > 0) Atomics.sub(inFlightAll, 0, 1);
        emit(r, tracker.text);
      },
      interChunk,
    );
    progress.sent++;
    const abort = own ? own.send(req, () => clock.now(), tracker) : send(target, req, () => clock.now(), tracker);
    if (!tracker.finished) live.set(a.index, { tracker, abort });
  };

  let finishFiring!: () => void;
  const firingDone = new Promise<void>((r) => (finishFiring = r));
  let dispatcher: OpenLoopDispatcher | ClosedLoop | null = null;
  let drainMs = s.drainTimeoutMs;
  let wakeDrain = () => {};
  port.on('message', (m: ControlMessage) => {
    if (m.type === 'start') {
      clock = realClock(BigInt(m.t0Ns), waker);
      if (errors) errors.originNs = Number(m.t0Ns);
      if (s.closedLoop) dispatcher = closedLoop = closedLoopFor(s.closedLoop, input, clock, fire, () => finishFiring());
      else dispatcher = new OpenLoopDispatcher(clock, workerStripe(pacerFrom(s.pacer), s.shard, worker, input.workers), fire, () => finishFiring());
      dispatcher.start();
    } else if (m.type === 'stop') {
      drainMs = m.graceMs;
      if (dispatcher) dispatcher.stop();
      else finishFiring();
      wakeDrain();
    }
  });
  await warmTransport();
  port.postMessage({ type: 'ready', worker });
  await firingDone;
  await drain(live, () => drainMs, (w) => (wakeDrain = w));
  for (const { tracker, abort } of live.values()) {
    tracker.abandon(clock.now(), 'still in flight when the drain timeout expired');
    abort(new Error('drain timeout'));
  }
  clearInterval(flusher);
  flush();
  port.postMessage({ type: 'end', worker });
  port.close();
  await connections.close();
  await own?.close();
  await waker.close();
  const elu = performance.eventLoopUtilization(elu0);
  return {
    worker,
    eventLoopDelayMs: loopDelay(),
    utilization: elu.utilization,
    interChunk: interChunk.encode(),
    promptMs,
    ...(errors && { measurementError: { ttft: errors.ttft.encode(), itl: errors.itl.encode() } }),
  };
}

/** This worker's share of the closed loop; ids come from the counter all workers share, so --max-requests is exact. */
function closedLoopFor(spec: ClosedLoopSpec, input: TaskInput, clock: Clock, fire: (a: Arrival) => void, onEnd: () => void): ClosedLoop {
  const claimed = new Int32Array(input.shared);
  const claim = () => {
    const id = Atomics.add(claimed, 1, 1);
    return spec.maxRequests === null || id < spec.maxRequests ? id : null;
  };
  return new ClosedLoop(clock, { slots: shareOf(spec.concurrency, input.worker, input.workers), deadlineMs: spec.timeoutMs }, claim, fire, onEnd);
}

/** Waits until nothing is in flight, or the drain budget (which a stop message may shorten) runs out. */
function drain(live: Map<number, unknown>, budgetMs: () => number, onWake: (w: () => void) => void): Promise<void> {
  const start = Date.now();
  return new Promise((resolve) => {
    const check = () => {
      if (live.size === 0 || Date.now() - start >= budgetMs()) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(check, 20);
    onWake(check);
    check();
  });
}

function droppedRecord(a: Arrival, worker: number, plan: RequestPlan, warmup: boolean): RequestRecord {
  return {
    id: a.index, worker, outcome: 'dropped', warmup, scheduled_ms: a.dueMs, sent_ms: null, first_token_ms: null,
    first_output_ms: null, end_ms: null, http_status: null, error_class: null, error_message: '--max-in-flight reached',
    finish_reason: null, output_tokens: 0, output_tokens_source: 'chunks', reasoning_tokens: 0, input_tokens: null,
    chunks: 0, chunk_gap_sum_ms: 0, chunk_gap_max_ms: 0, requested_output_tokens: plan.maxTokens, first_chunk_tokens: null,
    input_tokens_client: plan.inputTokens, output_tokens_client: null,
  };
}
