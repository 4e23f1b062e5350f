import { performance } from 'node:perf_hooks';
import { watchLoopDelay } from '../metrics/loop-delay.js';
import { MeasurementError } from '../protocols/measurement-error.js';
import type { RequestRecord } from '../metrics/record.js';
import { Distribution } from '../metrics/distribution.js';
import { handlesNow } from '../metrics/handles.js';
import { Series, drainSparse } from '../metrics/timeline.js';
import { protocolFor } from '../protocols/registry.js';
import { realClock, type Clock } from '../schedule/clock.js';
import { ClosedLoop, shareOf, type ClosedLoopSpec } from '../schedule/closed-loop.js';
import { OpenLoopDispatcher, type Arrival } from '../schedule/dispatcher.js';
import { Waker } from '../schedule/waker.js';
import { workerStripe } from '../schedule/pacer.js';
import { pacerFrom } from '../schedule/pacers.js';
import { joinEndpoint, splitEndpoint } from '../transport/endpoint.js';
import { openTransport } from '../transport/open.js';
import { redactor } from '../transport/redact.js';
import { warmTransport } from '../transport/warm-up.js';
import type { BatchMessage, ControlMessage, CrashedMessage, TaskInput, WorkerFinal } from './messages.js';
import type { Progress } from '../metrics/progress.js';
import { RequestPlanner, type RequestPlan } from '../workload/request-plan.js';
import { RequestTracker } from './request-tracker.js';
import { armTestCrash } from './test-crash.js';
import { unsentRecord } from './unsent.js';

const FLUSH_MS = 50;
/** Inter-chunk gaps in µs units (ms values). */
const INTER_CHUNK_SCALE = 1e3;
const FLUSH_RECORDS = 256;
/** Resolution of --ttft-timeout / --stall-timeout / --request-timeout: one sweep over in-flight requests. */
export const SWEEP_MS = 50;

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
  const redact = redactor([s.apiKey, ...Object.values(s.headers)]);
  const target = splitEndpoint(s.endpoint);
  const transport =
    protocol.connect?.({ endpoint: s.endpointGiven ? joinEndpoint(target) : null, region: s.region, apiKey: s.apiKey, requestTimeoutMs: s.limits.totalMs }) ??
    openTransport(s.httpClient, { ...target, extraHeaders: s.headers, insecure: s.insecure, connectTimeoutMs: s.connectTimeoutMs });
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
  const live = new Map<number, RequestTracker>();
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
    if (r.error_message !== null) r.error_message = redact(r.error_message);
    records.push(r);
    texts.push(text);
    if (r.outcome === 'completed') progress.done++;
    else if (r.outcome === 'dropped') progress.dropped++;
    else progress.failed++;
    if (records.length >= FLUSH_RECORDS) flush();
    closedLoop?.finished();
  };
  const flusher = setInterval(flush, FLUSH_MS);
  const sweeper = setInterval(() => {
    const now = clock.now();
    for (const tracker of live.values()) tracker.checkDeadlines(now);
  }, SWEEP_MS);

  const fire = (a: Arrival) => {
    const plan = planFor(a.index);
    if (s.maxInFlight > 0 && Atomics.add(inFlightAll, 0, 1) >= s.maxInFlight) {
      Atomics.sub(inFlightAll, 0, 1);
      return emit(unsentRecord(a, worker, plan.maxTokens, plan.inputTokens, a.dueMs < s.warmupMs, 'dropped', null, '--max-in-flight reached'));
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
      s.limits,
    );
    progress.sent++;
    tracker.abort = transport.send(req, () => clock.now(), tracker);
    if (!tracker.finished) live.set(a.index, tracker);
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
      armTestCrash(worker);
    } else if (m.type === 'stop') {
      stopFiring(m.graceMs);
    }
  });
  const stopFiring = (graceMs: number) => {
    drainMs = graceMs;
    if (dispatcher) dispatcher.stop();
    else finishFiring();
    wakeDrain();
  };
  // an uncaught error anywhere in this thread: its in-flight requests are recorded, the rest of the
  // stripe is left to the main thread to count as dropped, and the task fails with the error
  let crash: Error | null = null;
  const onCrash = (err: unknown) => {
    if (crash) return;
    crash = err instanceof Error ? err : new Error(String(err));
    const atMs = clock.now();
    const message = `worker ${worker} crashed: ${crash.message}`;
    stopFiring(0);
    for (const tracker of live.values()) tracker.terminate('client_error', message, atMs);
    port.postMessage({ type: 'crashed', worker, error: crash.message, atMs } satisfies CrashedMessage);
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  await warmTransport(s.httpClient);
  port.postMessage({ type: 'ready', worker });
  await firingDone;
  await drain(live, () => drainMs, (w) => (wakeDrain = w));
  for (const tracker of live.values()) tracker.abandon(clock.now(), 'still in flight when the drain timeout expired');
  clearInterval(sweeper);
  clearInterval(flusher);
  flush();
  port.postMessage({ type: 'end', worker });
  port.close();
  await transport.close();
  await waker.close();
  const handlesAtEnd = handlesNow();
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  if (crash) throw crash;
  const elu = performance.eventLoopUtilization(elu0);
  return {
    worker,
    eventLoopDelayMs: loopDelay(),
    utilization: elu.utilization,
    interChunk: interChunk.encode(),
    promptMs,
    handlesAtEnd,
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
