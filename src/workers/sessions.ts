import type { RequestRecord } from '../metrics/record.js';
import type { Clock } from '../schedule/clock.js';
import type { Arrival } from '../schedule/dispatcher.js';
import type { RequestPlan, RequestPlanner } from '../workload/request-plan.js';
import { sessionRequestId } from '../workload/sessions.js';
import type { RecordTags } from './request-tracker.js';

/** How long before a session's next turn is due its timer hands over to polling (timers fire late by whole ms). */
const THINK_POLL_MS = 2;

/** Sends one request; `after` hears its record and the text received. */
export type SendTurn = (a: Arrival, warmup: boolean, plan: RequestPlan, tags: RecordTags, after: (r: RequestRecord, text: string | null) => void) => void;

/** A session between turns: the timer, then the polling of the last few ms. */
interface Waiting {
  timer: NodeJS.Timeout | null;
  immediate: NodeJS.Immediate | null;
}

/**
 * A worker's multi-turn sessions (--turns, or a trace's). Each session arriving on the schedule sends its
 * turns one after another, each when the planner says after the previous answer ended (the think time, or
 * the trace's offset), each the conversation so far with the answer actually received. A turn that does
 * not complete ends its session; a session's conversation lives only as long as the session, so memory
 * follows the sessions in progress.
 */
export class SessionRunner {
  readonly #planner: RequestPlanner;
  readonly #send: SendTurn;
  readonly #clock: () => Clock;
  readonly #sessions: number;
  readonly #warmupMs: number;
  readonly #waiting = new Set<Waiting>();
  #stopped = false;
  /** Called whenever a wait ends (the drain looks again). */
  onIdle: () => void = () => {};

  constructor(planner: RequestPlanner, send: SendTurn, clock: () => Clock, sessions: number, warmupMs: number) {
    this.#planner = planner;
    this.#send = send;
    this.#clock = clock;
    this.#sessions = sessions;
    this.#warmupMs = warmupMs;
  }

  /** Sessions waiting out a think time. */
  get waiting(): number {
    return this.#waiting.size;
  }

  start(a: Arrival): void {
    const turns = this.#planner.sessionTurns(a.index);
    const { conversation, group } = this.#planner.openSession(a.index);
    const warmup = a.dueMs < this.#warmupMs;
    const next = (turn: number, dueMs: number) => {
      const id = sessionRequestId(a.index, turn, this.#sessions);
      const plan = this.#planner.planTurn(a.index, turn, id, conversation, group);
      this.#send({ index: id, dueMs }, warmup, plan, { prefix_group: group, session: a.index, turn, session_turns: turns }, (r, text) => {
        if (r.outcome !== 'completed' || turn + 1 >= turns || this.#stopped) return;
        this.#planner.answer(conversation, text ?? '');
        this.#after(this.#planner.turnDueMs(a.index, turn + 1, this.#clock().now()), (due) => next(turn + 1, due));
      });
    };
    next(0, a.dueMs);
  }

  /** No further turns: sessions still thinking end here (cut short). */
  stop(): void {
    this.#stopped = true;
    for (const w of this.#waiting) {
      if (w.timer) clearTimeout(w.timer);
      if (w.immediate) clearImmediate(w.immediate);
    }
    this.#waiting.clear();
  }

  #after(due: number, go: (due: number) => void): void {
    const ms = due - this.#clock().now();
    if (ms <= 0) return go(due);
    const wait: Waiting = { timer: null, immediate: null };
    const poll = () => {
      if (this.#stopped) return;
      if (this.#clock().now() < due) return void (wait.immediate = setImmediate(poll));
      this.#waiting.delete(wait);
      go(due);
      this.onIdle();
    };
    wait.timer = setTimeout(poll, Math.max(0, ms - THINK_POLL_MS));
    this.#waiting.add(wait);
  }
}
