import type { ChatMessage } from '../tokenize/chat-template.js';
import { requestRandom, sampleLength, type LengthSpec } from './prompts.js';

/**
 * Multi-turn sessions: each session arrives on the open-loop schedule (`--rate` counts sessions per
 * second), then sends its turns one after another, each `thinkTimeMs` after the previous answer ended,
 * with the whole conversation so far: earlier user messages and the assistant's actual answers.
 */
export interface SessionSpec {
  /** Turns per session: normal(mean, stddev), rounded, at least 1. */
  turns: LengthSpec;
  thinkTimeMs: number;
}

/** Session `session`'s number of turns: a function of the seed, the same in every worker and shard. */
export function sessionTurns(seed: number, session: number, spec: SessionSpec): number {
  return sampleLength(requestRandom(seed ^ 0x5e55, session), spec.turns);
}

/** Request id of turn `turn` of session `session`: unique, and turn 0 keeps the session's schedule index. */
export function sessionRequestId(session: number, turn: number, sessions: number): number {
  return turn === 0 ? session : sessions * turn + session;
}

/**
 * One live session's conversation. It holds only what the next turn needs (the messages so far) and is
 * dropped when the session ends, so memory follows the sessions in progress, not the run's length.
 */
export class Conversation {
  readonly #messages: ChatMessage[];
  #turn = 0;
  /** The messages' token counts added up, while every one is known (null once one is not). */
  #tokens: number | null;

  constructor(system: string | null, systemTokens: number | null = 0) {
    this.#messages = system === null ? [] : [{ role: 'system', content: system }];
    this.#tokens = system === null ? 0 : systemTokens;
  }

  /** Sum of the messages' own token counts (no template), or null when one is unknown. */
  get tokens(): number | null {
    return this.#tokens;
  }

  /** Turns sent so far. */
  get turn(): number {
    return this.#turn;
  }

  /** The messages of the next request: the history and the new user message. */
  ask(user: string, tokens: number | null = null): ChatMessage[] {
    return this.askWith([{ role: 'user', content: user }], tokens);
  }

  /** The same with the turn's own messages (a trace line's `messages`: context, then the user's). */
  askWith(turn: readonly ChatMessage[], tokens: number | null): ChatMessage[] {
    this.#messages.push(...turn);
    this.#tokens = this.#tokens === null || tokens === null ? null : this.#tokens + tokens;
    this.#turn++;
    return [...this.#messages];
  }

  /** The assistant's actual answer to the last question, appended to the history. */
  answer(text: string, tokens: number | null = null): void {
    this.#messages.push({ role: 'assistant', content: text });
    this.#tokens = this.#tokens === null || tokens === null ? null : this.#tokens + tokens;
  }

  /** The conversation as one text, for APIs that take a prompt (completions): messages joined by blank lines. */
  static text(messages: readonly ChatMessage[]): string {
    return messages.map((m) => m.content).join('\n\n');
  }
}
