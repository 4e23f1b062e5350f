import { Distribution, type EncodedDistribution } from '../metrics/distribution.js';
import type { RequestRecord } from '../metrics/record.js';
import type { PromptFigures } from '../metrics/summary.js';
import type { ProtocolClient } from '../protocols/types.js';
import type { Clock } from '../schedule/clock.js';
import { ClosedLoop, shareOf, type ClosedLoopSpec } from '../schedule/closed-loop.js';
import { OpenLoopDispatcher, type Arrival } from '../schedule/dispatcher.js';
import { workerStripe } from '../schedule/pacer.js';
import { pacerFrom } from '../schedule/pacers.js';
import { countAnswer } from '../tokenize/answer-count.js';
import type { Tokenizer } from '../tokenize/tokenizers.js';
import { redactor } from '../transport/redact.js';
import { connectionShare, type Transport } from '../transport/types.js';
import type { RequestPlan, RequestPlanner } from '../workload/request-plan.js';
import { lastTurnDueMs } from '../workload/traces/sessions.js';
import type { ControlMessage, CrashedMessage, TaskInput, WorkerSettings } from './messages.js';
import { Outbox } from './outbox.js';
import { PlanCache } from './plan-cache.js';
import { RequestTracker, type RecordTags } from './request-tracker.js';
import { SessionRunner } from './sessions.js';
import { unsentRecord } from './unsent.js';

const FLUSH_MS = 50;
/** Inter-chunk gaps in µs units (ms values). */
const INTER_CHUNK_SCALE = 1e3;
/** Resolution of --ttft-timeout / --stall-timeout / --request-timeout: one sweep over in-flight requests. */
const SWEEP_MS = 50;
/** How often a drain looks whether anything is still in flight (a stop message also wakes it). */
const DRAIN_POLL_MS = 20;

/** What a worker runs with: the thread's real ones (`task.ts`), or fakes in tests. */
export interface WorkerDeps {
  protocol: ProtocolClient;
  transport: Transport;
  planner: RequestPlanner;
  /** The clock until the start message: anchored when the worker started. */
  clock: Clock;
  /** The run's clock, anchored at t0 (monotonic ns) once the start message gives it. */
  clockAt(t0Ns: bigint): Clock;
  /** Awaited before the worker reports ready (the transport's warm-up). */
  warmUp(): Promise<void>;
  /** The schedule starts at `t0Ns` (called before the first arrival can fire). */
  onStart(t0Ns: bigint): void;
  /** More to hide from what servers send, beside the key and headers: a proxy's credentials. */
  secrets?: readonly string[];
  /** This thread's event-loop delay now (its latest wake-up's), for each record's `loop_delay_ms`. */
  loopDelayMs?: () => number;
}

export interface StripeResult {
  interChunk: EncodedDistribution;
  promptMs: number;
  prompts: PromptFigures;
  /** What crashed the worker (its in-flight requests are recorded; the task must fail), or null. */
  crash: Error | null;
}

/**
 * Stripe k of the global schedule, in one worker: reports ready, fires each arrival when the start
 * message's clock says it is due (or keeps its share of a closed loop full), sends each finished record
 * to the main thread through the `Outbox`, drains what is in flight, and says it has ended.
 */
export class StripeWorker {
  readonly #input: TaskInput;
  readonly #s: WorkerSettings;
  readonly #deps: WorkerDeps;
  /** [0]: requests in flight across all workers (--max-in-flight); [1]: closed-loop ids claimed. */
  readonly #shared: Int32Array;
  readonly #live = new Map<number, RequestTracker>();
  readonly #interChunk = new Distribution(INTER_CHUNK_SCALE);
  readonly #outbox: Outbox;
  readonly #plans: PlanCache;
  readonly #firing: Promise<void>;
  #finishFiring!: () => void;
  #clock: Clock;
  #dispatcher: OpenLoopDispatcher | ClosedLoop | null = null;
  #closedLoop: ClosedLoop | null = null;
  #drainMs: number;
  /** A stop message (or a crash) ended firing: the drain is then the grace alone. */
  #stopped = false;
  /** Why the run was stopped before its schedule ended (null: it was not). */
  #stopReason: string | null = null;
  #wakeDrain = () => {};
  #crash: Error | null = null;
  /** Multi-turn sessions (--turns, a trace's): arrivals start sessions; null otherwise. */
  readonly #sessions: SessionRunner | null;
  /** This worker's share of --connections (0: no cap): one connection per request in flight, never more. */
  readonly #connectionCap: number;

  constructor(input: TaskInput, deps: WorkerDeps) {
    const s = input.settings;
    this.#input = input;
    this.#s = s;
    this.#deps = deps;
    this.#clock = deps.clock;
    this.#shared = new Int32Array(input.shared);
    this.#outbox = new Outbox(input.worker, input.port, redactor([s.apiKey, ...Object.values(s.headers), ...(deps.secrets ?? [])]), () => this.#live.size);
    // open loop: the first second of prompts before t0, then each a bounded time ahead of its due time
    // (closed loop: when its request is claimed; sessions: as their answers arrive); the clock is read
    // through this worker, the run's from t0 on
    this.#plans = new PlanCache(deps.planner, s.closedLoop || deps.planner.hasSessions ? null : this.#stripe(), () => this.#clock.now());
    this.#sessions = deps.planner.hasSessions
      ? new SessionRunner(deps.planner, this.#send, () => this.#clock, pacerFrom(s.pacer).total ?? 2 ** 24, s.warmupMs)
      : null;
    if (this.#sessions) this.#sessions.onIdle = () => this.#wakeDrain();
    this.#drainMs = s.drainTimeoutMs;
    this.#connectionCap = connectionShare(s.connections, input.worker, input.workers).cap;
    this.#firing = new Promise((resolve) => (this.#finishFiring = resolve));
  }

  async run(): Promise<StripeResult> {
    const { port, worker } = this.#input;
    const flusher = setInterval(() => this.#outbox.flush(), FLUSH_MS);
    const sweeper = setInterval(() => this.#sweep(), SWEEP_MS);
    port.on('message', (m: ControlMessage) => (m.type === 'start' ? this.#start(BigInt(m.t0Ns)) : this.#stopFiring(m.graceMs, m.reason)));
    await this.#deps.warmUp();
    port.postMessage({ type: 'ready', worker });
    await this.#firing;
    this.#plans.close();
    // a trace session's later turns are still the schedule, not the drain, unless the run was stopped
    const scheduleLeftMs = Math.max(0, lastTurnDueMs(this.#s.prompt.trace) - this.#clock.now());
    const budgetMs = () => this.#drainMs + (this.#stopped ? 0 : scheduleLeftMs);
    await drain(() => this.#live.size + (this.#sessions?.waiting ?? 0), budgetMs, (wake) => (this.#wakeDrain = wake));
    this.#sessions?.stop();
    const why = this.#stopReason === null ? 'the drain timeout expired' : `the run was stopped (${this.#stopReason})`;
    for (const tracker of this.#live.values()) tracker.abandon(this.#clock.now(), `still in flight when ${why}`);
    clearInterval(sweeper);
    clearInterval(flusher);
    this.#outbox.flush();
    port.postMessage({ type: 'end', worker });
    port.close();
    return { interChunk: this.#interChunk.encode(), promptMs: this.#plans.ms, prompts: this.#plans.figures(), crash: this.#crash };
  }

  /**
   * An uncaught error in this thread: firing stops, its in-flight requests are recorded as client errors,
   * and the rest of the stripe is left to the main thread to count as dropped.
   */
  crash(err: unknown): void {
    if (this.#crash) return;
    this.#crash = err instanceof Error ? err : new Error(String(err));
    const atMs = this.#clock.now();
    const message = `worker ${this.#input.worker} crashed: ${this.#crash.message}`;
    this.#stopFiring(0);
    for (const tracker of this.#live.values()) tracker.terminate('client_error', message, atMs);
    this.#input.port.postMessage({ type: 'crashed', worker: this.#input.worker, error: this.#crash.message, atMs } satisfies CrashedMessage);
  }

  #stripe(): Generator<Arrival> {
    return workerStripe(pacerFrom(this.#s.pacer), this.#s.shard, this.#input.worker, this.#input.workers);
  }

  #start(t0Ns: bigint): void {
    this.#clock = this.#deps.clockAt(t0Ns);
    this.#deps.onStart(t0Ns);
    const end = () => this.#finishFiring();
    const spec = this.#s.closedLoop;
    if (spec) this.#dispatcher = this.#closedLoop = closedLoopFor(spec, this.#input, this.#clock, this.#fire, end);
    else this.#dispatcher = new OpenLoopDispatcher(this.#clock, this.#stripe(), this.#fire, end);
    this.#plans.start();
    this.#dispatcher.start();
  }

  /** `reason`: why the run stops early (an interrupt, a stop), said in the records it leaves incomplete. */
  #stopFiring(graceMs: number, reason?: string): void {
    this.#stopped = true;
    this.#stopReason ??= reason ?? null;
    this.#drainMs = graceMs;
    this.#sessions?.stop();
    if (this.#dispatcher) this.#dispatcher.stop();
    else this.#finishFiring();
    this.#wakeDrain();
  }

  #sweep(): void {
    const now = this.#clock.now();
    for (const tracker of this.#live.values()) tracker.checkDeadlines(now);
  }

  #fire = (a: Arrival): void => {
    if (this.#sessions && this.#deps.planner.isSession(a.index)) return this.#sessions.start(a);
    const plan = this.#plans.take(a);
    this.#send(a, a.dueMs < this.#s.warmupMs, plan, { prefix_group: plan.group, session: null, turn: null, session_turns: null });
  };

  /** Sends request `a.index` (or records it dropped under --max-in-flight or --connections); `after` hears its record and received text. */
  #send = (a: Arrival, warmup: boolean, plan: RequestPlan, tags: RecordTags, after?: (r: RequestRecord, text: string | null) => void): void => {
    const s = this.#s;
    const full = this.#connectionCap > 0 && this.#live.size >= this.#connectionCap ? '--connections' : this.#claimSlot() ? null : '--max-in-flight';
    if (full) {
      const r = { ...unsentRecord(a, this.#input.worker, plan.maxTokens, plan.inputTokens, warmup, 'dropped', null, `${full} reached`), ...tags };
      this.#emit(r);
      return after?.(r, null);
    }
    const spec = { model: s.model, prompt: plan.prompt, messages: plan.messages, maxTokens: plan.maxTokens, exactOutput: plan.exact, stream: s.stream, params: s.params };
    const req = this.#deps.protocol.request(spec, s.apiKey);
    const sentMs = this.#clock.now();
    const tracker = this.#track(a, plan, sentMs, { warmup, tags, after });
    this.#outbox.sent();
    tracker.abort = this.#deps.transport.send(req, () => this.#clock.now(), tracker);
    if (!tracker.finished) this.#live.set(a.index, tracker);
  };

  /** A place under --max-in-flight, counted across all workers; none: the arrival is dropped. */
  #claimSlot(): boolean {
    const max = this.#s.maxInFlight;
    if (max <= 0 || Atomics.add(this.#shared, 0, 1) < max) return true;
    Atomics.sub(this.#shared, 0, 1);
    return false;
  }

  #track(a: Arrival, plan: RequestPlan, sentMs: number, o: { warmup: boolean; tags: RecordTags; after?: (r: RequestRecord, text: string | null) => void }): RequestTracker {
    const s = this.#s;
    const init = {
      // a closed loop has no schedule: the request is due when it is sent (its prompt may take a moment to build)
      id: a.index, worker: this.#input.worker, scheduledMs: s.closedLoop ? sentMs : a.dueMs, sentMs, requestedOutputTokens: plan.maxTokens,
      warmup: o.warmup, stream: s.stream, inputTokensClient: plan.inputTokens, tags: o.tags, loopDelayMs: this.#deps.loopDelayMs?.() ?? null,
      // a session appends the answer it received to its history
      captureText: this.#deps.planner.tokenizer !== null || this.#sessions !== null,
    };
    const finished = (r: RequestRecord) => {
      this.#live.delete(a.index);
      if (s.maxInFlight > 0) Atomics.sub(this.#shared, 0, 1);
      const text = tracker.text;
      this.#emit(withClientCount(r, text, this.#deps.planner.tokenizer), text);
      o.after?.(r, text);
    };
    const tracker: RequestTracker = new RequestTracker(init, this.#deps.protocol, this.#outbox.tokens, finished, this.#interChunk, s.limits);
    return tracker;
  }

  #emit(r: RequestRecord, text: string | null = null): void {
    this.#outbox.add(r, text);
    this.#closedLoop?.finished();
  }
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

/** Waits until nothing is in flight (nor a session's next turn pending), or the drain budget (which a stop message may shorten) runs out. */
function drain(busy: () => number, budgetMs: () => number, onWake: (wake: () => void) => void): Promise<void> {
  const start = Date.now();
  return new Promise((resolve) => {
    const check = () => {
      if (busy() === 0 || Date.now() - start >= budgetMs()) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(check, DRAIN_POLL_MS);
    onWake(check);
    check();
  });
}

/** The answer's tokens under the client tokenizer, counted here, where it arrived, at a bounded cost
 *  (`countAnswer`), so that neither this worker nor the main thread waits on one answer and the record
 *  leaves with its count. */
function withClientCount(r: RequestRecord, text: string | null, tok: Tokenizer | null): RequestRecord {
  if (!tok || text === null) return r;
  const count = countAnswer(text, (t) => tok.encode(t));
  r.output_tokens_client = count.tokens;
  r.output_tokens_client_estimated = count.estimated;
  return r;
}
